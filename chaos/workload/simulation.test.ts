import { describe, expect, it } from 'vitest';
import { SpanKind, type SpanRecord } from './records.js';
import { simulateRange, type SimulationOptions } from './simulation.js';
import { DEFAULT_TOPOLOGY } from './topology.js';

const T0 = Date.UTC(2026, 0, 1);
const options = (extra: Partial<SimulationOptions> = {}): SimulationOptions => ({ topology: DEFAULT_TOPOLOGY, seed: 7, ratePerSecond: 5, originMs: T0, canary: false, ...extra });

describe('simulated traces', () => {
  const data = simulateRange(options(), T0, T0 + 60_000);
  const byId = new Map(data.spans.map((s) => [s.spanId, s]));
  const traces = new Map<string, SpanRecord[]>();
  for (const s of data.spans) {
    const list = traces.get(s.traceId);
    if (list) list.push(s);
    else traces.set(s.traceId, [s]);
  }

  it('gives every trace one root SERVER span in the entry service, every other span a parent in the same trace', () => {
    expect(traces.size).toBeGreaterThan(200);
    for (const spans of traces.values()) {
      const roots = spans.filter((s) => s.parentSpanId === '');
      expect(roots).toHaveLength(1);
      expect(roots[0]).toMatchObject({ kind: SpanKind.SERVER, resource: { service: 'frontend' } });
      for (const s of spans.filter((x) => x.parentSpanId !== '')) {
        const parent = byId.get(s.parentSpanId)!;
        expect(parent.traceId).toBe(s.traceId);
        // Children nest inside their parents.
        expect(s.startUs).toBeGreaterThanOrEqual(parent.startUs);
        expect(s.endUs).toBeLessThanOrEqual(parent.endUs);
      }
    }
    expect(new Set(data.spans.map((s) => s.spanId)).size).toBe(data.spans.length);
    expect(data.spans.every((s) => /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId))).toBe(true);
  });

  it('pairs a CLIENT span in the caller with a SERVER span in an instrumented callee', () => {
    const edges = new Set<string>();
    for (const server of data.spans.filter((s) => s.kind === SpanKind.SERVER && s.parentSpanId !== '')) {
      const client = byId.get(server.parentSpanId)!;
      expect(client.kind).toBe(SpanKind.CLIENT);
      expect(client.attributes['server.address']).toBe(server.resource.service);
      expect(client.attributes['http.response.status_code']).toBe(server.attributes['http.response.status_code']);
      edges.add(`${client.resource.service}->${server.resource.service}`);
      // The callee's server span is a direct child of the caller's client span, which is a child of the caller's server span.
      expect(byId.get(client.parentSpanId)!.resource.service).toBe(client.resource.service);
    }
    expect([...edges].sort()).toEqual(['checkout->inventory', 'checkout->payments', 'frontend->checkout', 'frontend->inventory']);
  });

  it('shows uninstrumented peers only as their callers’ CLIENT/PRODUCER spans with semantic-convention attributes', () => {
    const services = new Set(data.spans.map((s) => s.resource.service));
    expect([...services].sort()).toEqual(['checkout', 'frontend', 'inventory', 'payments']);
    const db = data.spans.find((s) => s.attributes['peer.service'] === 'postgres')!;
    expect(db).toMatchObject({ kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'server.address': 'postgres', 'server.port': 5432 } });
    const cache = data.spans.find((s) => s.attributes['peer.service'] === 'redis')!;
    expect(cache).toMatchObject({ kind: SpanKind.CLIENT, resource: { service: 'inventory' }, attributes: { 'db.system.name': 'redis', 'server.address': 'redis' } });
    const queue = data.spans.find((s) => s.attributes['messaging.system'] === 'kafka')!;
    expect(queue).toMatchObject({ kind: SpanKind.PRODUCER, name: 'send orders', resource: { service: 'checkout' }, attributes: { 'messaging.destination.name': 'orders', 'peer.service': 'orders-queue' } });
    const external = data.spans.find((s) => s.attributes['server.address'] === 'api.card-gateway.example')!;
    expect(external).toMatchObject({ kind: SpanKind.CLIENT, resource: { service: 'payments' } });
    expect(external.attributes['peer.service']).toBeUndefined();
    // Peers have no children: nothing is parented on a peer call.
    const peerCalls = new Set(data.spans.filter((s) => s.kind === SpanKind.PRODUCER || s.attributes['db.system'] || s.attributes['server.port'] === 443).map((s) => s.spanId));
    expect(data.spans.some((s) => peerCalls.has(s.parentSpanId))).toBe(false);
  });

  it('sets resource attributes and correlates INFO logs with the server span', () => {
    const frontend = data.spans.find((s) => s.resource.service === 'frontend')!;
    expect(frontend.resource.attributes).toMatchObject({ 'service.name': 'frontend', 'service.version': '1.8.2', 'deployment.environment': 'production' });
    expect(String(frontend.resource.attributes['host.name'])).toMatch(/^frontend-/);
    const log = data.logs.find((l) => l.resource.service === 'inventory' && l.body.includes('reserved'))!;
    expect(log.body).toMatch(/^order \d+ reserved \d items in [\d.]+ ms$/);
    const span = byId.get(log.spanId)!;
    expect(span).toMatchObject({ traceId: log.traceId, kind: SpanKind.SERVER, resource: { service: 'inventory' } });
    expect(log.severityText).toBe('INFO');
  });

  it('marks failures with status, http.response.status_code and error.type, and logs them at ERROR', () => {
    const failing = simulateRange(options({ seed: 3, topology: { ...DEFAULT_TOPOLOGY, services: DEFAULT_TOPOLOGY.services.map((s) => (s.name === 'payments' ? { ...s, errorRate: 0.5 } : s)) } }), T0, T0 + 30_000);
    const failed = failing.spans.find((s) => s.resource.service === 'payments' && s.kind === SpanKind.SERVER && s.status.code === 2)!;
    expect(failed.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': 'InternalError' });
    expect(failing.logs.find((l) => l.spanId === failed.spanId)).toMatchObject({ severityText: 'ERROR' });
    const caller = failing.spans.find((s) => s.spanId === failed.parentSpanId)!;
    expect(caller).toMatchObject({ kind: SpanKind.CLIENT, status: { code: 2 }, attributes: { 'error.type': '500' } });
    const checkout = failing.spans.find((s) => s.spanId === caller.parentSpanId)!;
    expect(checkout.attributes).toMatchObject({ 'http.response.status_code': 502, 'error.type': '502' });
    expect(failing.logs.find((l) => l.spanId === checkout.spanId)!.body).toMatch(/^call to payments failed with 500 after [\d.]+ ms, answering 502$/);
  });

  it('samples metrics of every instrumented service every 10 simulated seconds', () => {
    const times = new Set(data.metrics.map((m) => m.timeUs / 1000));
    expect([...times].sort()).toEqual([1, 2, 3, 4, 5].map((i) => T0 + i * 10_000));
    const names = (service: string) => new Set(data.metrics.filter((m) => m.resource.service === service).map((m) => m.name));
    expect(names('frontend')).toEqual(new Set(['process.cpu.utilization', 'process.memory.usage', 'http.server.request.count', 'http.server.request.duration']));
    expect(names('payments').has('db.client.connection.count')).toBe(true);
    const counts = data.metrics.filter((m) => m.resource.service === 'frontend' && m.name === 'http.server.request.count').map((m) => m.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    // The last sample (T0+50 s) counts the requests that came before it.
    const served = data.spans.filter((s) => s.resource.service === 'frontend' && s.kind === SpanKind.SERVER && s.startUs < (T0 + 50_000) * 1000).length;
    expect(counts.at(-1)).toBe(served);
    const histogram = data.metrics.filter((m) => m.name === 'http.server.request.duration' && m.resource.service === 'frontend').at(-1)!.histogram!;
    expect(histogram.bucketCounts.reduce((a, b) => a + b, 0)).toBe(histogram.count);
    expect(histogram.count).toBe(served);
  });
});

describe('determinism', () => {
  it('gives the same records for the same seed and different ones for another seed', () => {
    const a = simulateRange(options({ canary: true }), T0, T0 + 20_000);
    const b = simulateRange(options({ canary: true }), T0, T0 + 20_000);
    const c = simulateRange(options({ canary: true, seed: 8 }), T0, T0 + 20_000);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });
});

describe('canary stream', () => {
  it('numbers one record per simulated second under service vigil-canary', () => {
    const data = simulateRange(options({ canary: true }), T0, T0 + 15_000);
    const canaries = data.logs.filter((l) => l.resource.service === 'vigil-canary');
    expect(canaries.map((l) => l.attributes['vigil.canary.seq'])).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(data.canarySent).toBe(15);
  });
});
