import type { AnomalyInput, EngineInput, TopologyEdge } from './model.js';

/**
 * Test fixtures: a 9-node shop (7 instrumented services, a database and a cache) and
 * anomaly builders. Used by the engine and ranking tests.
 *
 *   frontend → api → checkout → payments
 *                  ↘ catalog   ↘ inventory → postgres (SELECT stock)
 *   checkout → postgres (SELECT orders)     catalog → redis (GET product)
 *   search (calls nothing, called by nobody)
 */
export const SHOP: TopologyEdge[] = [
  { caller: 'frontend', callee: 'api', calleeKind: 'service' },
  { caller: 'api', callee: 'checkout', calleeKind: 'service' },
  { caller: 'api', callee: 'catalog', calleeKind: 'service' },
  { caller: 'checkout', callee: 'payments', calleeKind: 'service' },
  { caller: 'checkout', callee: 'inventory', calleeKind: 'service' },
  { caller: 'checkout', callee: 'postgres', calleeKind: 'database', spanNames: ['SELECT orders'] },
  { caller: 'inventory', callee: 'postgres', calleeKind: 'database', spanNames: ['SELECT stock'] },
  { caller: 'catalog', callee: 'redis', calleeKind: 'cache', spanNames: ['GET product'] },
];

/** Client span names that reach each uninstrumented peer, by caller. */
export const PEER_SPANS: Record<string, Record<string, string>> = {
  postgres: { checkout: 'SELECT orders', inventory: 'SELECT stock' },
  redis: { catalog: 'GET product' },
};

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const MIN = 60_000;

let seq = 0;

export function anomaly(service: string, signal: string, startMs: number, peakScore = 0.9, extra: Partial<AnomalyInput> = {}): AnomalyInput {
  const name = extra.name ?? (signal.startsWith('span_') ? `${service} handler` : signal === 'log_rate' ? 'ERROR' : `${service} metric`);
  const stat = signal === 'span_errors' ? 'ratio' : signal === 'span_latency' ? 'p95' : signal === 'metric' ? 'value' : 'count';
  const seriesKey = [signal, service, name, stat].map(encodeURIComponent).join(':');
  return {
    id: extra.id ?? `a${++seq}-${service}-${signal}`,
    seriesKey,
    signal,
    service,
    name,
    stat,
    attributes: {},
    startMs,
    endMs: startMs,
    peakScore,
    peakMs: startMs,
    status: 'open',
    ...extra,
  };
}

export function opened(a: AnomalyInput, atMs = 0): EngineInput {
  return { kind: 'anomaly', type: 'open', anomaly: a, atMs };
}

export function closed(a: AnomalyInput, endMs: number, atMs = 0): EngineInput {
  return { kind: 'anomaly', type: 'close', anomaly: { ...a, endMs, status: 'closed' }, atMs };
}

export function tick(eventTimeMs: number, atMs = 0): EngineInput {
  return { kind: 'tick', eventTimeMs, atMs };
}

/** A deterministic PRNG (mulberry32) so fixtures are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
