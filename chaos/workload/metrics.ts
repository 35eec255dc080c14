import type { Random } from './random.js';
import type { Attributes, MetricPoint, Resource } from './records.js';

/** Metrics of every instrumented service are sampled this often (simulated time). */
export const METRIC_INTERVAL_MS = 10_000;
/** OTel semantic conventions' advisory buckets for http.server.request.duration (seconds). */
export const DURATION_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const MEMORY_LIMIT_BYTES = 512 * 1024 * 1024;
const CORES = 2;
const POOL_SIZE = 10;

/** What the faults active on a service do to its metrics at one sample. */
export interface MetricEffects {
  saturation: number;
  factors: Array<{ metric: string; factor: number }>;
}

/**
 * One instrumented service's metrics: cumulative request count and duration histogram
 * since the workload began (as an SDK with cumulative temporality reports them), CPU and
 * memory gauges derived from its load, and the average connections in use of each
 * database pool it calls (Little's law over its client spans to the database).
 */
export class ServiceMetrics {
  private requests = 0;
  private durationCount = 0;
  private durationSumS = 0;
  private readonly buckets = new Array<number>(DURATION_BOUNDS_S.length + 1).fill(0);
  private intervalCpuMs = 0;
  private readonly poolBusyMs = new Map<string, number>();
  private readonly baseCpu: number;
  private readonly baseMemoryShare: number;

  constructor(
    private readonly route: string,
    private readonly startUs: number,
    /** Stable per service, so two services do not look identical. */
    spread: number,
    databasePools: string[],
  ) {
    this.baseCpu = 0.06 + 0.08 * spread;
    this.baseMemoryShare = 0.3 + 0.2 * spread;
    for (const pool of databasePools) this.poolBusyMs.set(pool, 0);
  }

  recordRequest(durationMs: number, cpuMs: number): void {
    this.requests++;
    this.durationCount++;
    const seconds = durationMs / 1000;
    this.durationSumS += seconds;
    let i = DURATION_BOUNDS_S.findIndex((bound) => seconds <= bound);
    if (i < 0) i = DURATION_BOUNDS_S.length;
    this.buckets[i]++;
    this.intervalCpuMs += cpuMs;
  }

  recordPoolUse(pool: string, durationMs: number): void {
    this.poolBusyMs.set(pool, (this.poolBusyMs.get(pool) ?? 0) + durationMs);
  }

  /** The samples at `timeUs`, closing the interval that ends there. */
  sample(resource: Resource, timeUs: number, rng: Random, effects: MetricEffects): MetricPoint[] {
    const scale = (metric: string, value: number) => effects.factors.reduce((v, f) => (f.metric === metric ? v * f.factor : v), value);
    const s = effects.saturation;
    const cpuLoad = this.intervalCpuMs / (METRIC_INTERVAL_MS * CORES);
    const cpu = clamp(this.baseCpu + cpuLoad + 0.01 * rng.normal(), 0.005, 1);
    const memoryShare = clamp(this.baseMemoryShare * (1 + 0.01 * rng.normal()), 0.05, 1);
    const route: Attributes = { 'http.route': this.route };
    const point = (name: string, unit: string, description: string, type: MetricPoint['type'], value: number, attributes: Attributes = {}): MetricPoint => ({
      resource, name, unit, description, type, timeUs, startUs: this.startUs, attributes, value,
    });
    const points: MetricPoint[] = [
      point('process.cpu.utilization', '1', 'CPU time used over the interval, per core available', 'gauge', round(scale('process.cpu.utilization', cpu + (0.95 - cpu) * s), 4)),
      point('process.memory.usage', 'By', 'Resident memory', 'gauge', Math.round(scale('process.memory.usage', MEMORY_LIMIT_BYTES * (memoryShare + (0.95 - memoryShare) * s)))),
      point('http.server.request.count', '{request}', 'Requests served since start', 'sum', scale('http.server.request.count', this.requests), route),
      {
        ...point('http.server.request.duration', 's', 'Duration of HTTP server requests', 'histogram', 0, route),
        histogram: { count: this.durationCount, sum: round(this.durationSumS, 6), bounds: DURATION_BOUNDS_S, bucketCounts: this.buckets.slice() },
      },
    ];
    for (const [pool, busyMs] of this.poolBusyMs) {
      const used = Math.min(POOL_SIZE, busyMs / METRIC_INTERVAL_MS);
      const attributes = (state: string): Attributes => ({ 'db.client.connection.pool.name': pool, 'db.client.connection.state': state });
      points.push(point('db.client.connection.count', '{connection}', 'Connections of the pool by state (average over the interval)', 'gauge', round(scale('db.client.connection.count', used), 3), attributes('used')));
      points.push(point('db.client.connection.count', '{connection}', 'Connections of the pool by state (average over the interval)', 'gauge', round(POOL_SIZE - used, 3), attributes('idle')));
      this.poolBusyMs.set(pool, 0);
    }
    this.intervalCpuMs = 0;
    return points;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
