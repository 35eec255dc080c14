import { describe, expect, it } from 'vitest';
import type { GaugeRow, HistogramRow, SumRow } from '../../ingest/index.js';
import { accumulate, closeMinute, counterRate, histogramIncrease, type Accumulator, type Carry } from './accumulate.js';
import { observeGauge, observeHistogram, observeLog, observePattern, observeRows, observeSpan, observeSum, type Observation } from './extract.js';
import { addToSketch, createSketch, histogramQuantile, sketchQuantile } from './quantile.js';

const T0 = Date.UTC(2026, 0, 1);
const nano = (ms: number) => `${String(Math.floor(ms / 1000)).padStart(9, '0')}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
const base = { ServiceName: 'svc', MetricName: 'm', Attributes: { a: '1' }, ResourceAttributes: {}, StartTimeUnix: nano(T0) };
const sum = (ms: number, value: number, extra: Partial<SumRow> = {}) => ({ ...base, TimeUnix: nano(ms), Value: value, AggregationTemporality: 2, IsMonotonic: true, ...extra }) as unknown as SumRow;

/** Feeds observations minute by minute through accumulate/closeMinute, as the bucketer does. */
function run(observations: Observation[]): Array<{ stat: string; signal: string; value: number }> {
  let carry: Carry | undefined;
  const out: Array<{ stat: string; signal: string; value: number }> = [];
  const byMinute = new Map<number, Accumulator>();
  for (const o of observations) {
    const m = Math.floor(o.timeMs / 60_000);
    byMinute.set(m, accumulate(byMinute.get(m), o.sample));
  }
  for (const m of [...byMinute.keys()].sort((a, b) => a - b)) {
    const closed = closeMinute(observations[0].base, byMinute.get(m)!, carry);
    carry = closed.carry;
    for (const v of closed.values) out.push({ stat: v.id.stat, signal: v.id.signal, value: v.value });
  }
  return out;
}

describe('series extraction', () => {
  it('gauges: the mean of the minute', () => {
    const obs = [10, 20].map((v, i) => observeGauge({ ...base, TimeUnix: nano(T0 + i * 1000), Value: v } as unknown as GaugeRow)!);
    expect(run(obs)).toEqual([{ stat: 'value', signal: 'metric', value: 15 }]);
  });

  it('monotonic cumulative sums: per-second rate from minute to minute', () => {
    const obs = [0, 600, 1200].map((v, i) => observeSum(sum(T0 + i * 60_000, v))!);
    expect(obs[0].sample.kind).toBe('cumulative');
    expect(run(obs)).toEqual([
      { stat: 'rate', signal: 'metric', value: 10 },
      { stat: 'rate', signal: 'metric', value: 10 },
    ]);
  });

  it('counter resets: a drop, or a new start time, counts the new value from zero', () => {
    const prev = { kind: 'cumulative' as const, timeMs: T0, startMs: T0 - 3_600_000, value: 5000 };
    expect(counterRate(prev, { ...prev, timeMs: T0 + 60_000, value: 120 })).toBe(2);
    // Restarted 30 s before the sample: 120 over those 30 s.
    expect(counterRate(prev, { kind: 'cumulative', timeMs: T0 + 60_000, startMs: T0 + 30_000, value: 120 })).toBe(4);
    expect(counterRate(prev, { ...prev, timeMs: T0 + 60_000, value: 5060 })).toBe(1);
    expect(counterRate(prev, { ...prev, value: 6000 })).toBeUndefined(); // no time passed
  });

  it('delta sums: value over the covered duration; up-down sums are levels', () => {
    const delta = observeSum(sum(T0 + 10_000, 300, { AggregationTemporality: 1, StartTimeUnix: nano(T0 - 50_000) } as Partial<SumRow>))!;
    expect(run([delta])).toEqual([{ stat: 'rate', signal: 'metric', value: 5 }]);
    const level = observeSum(sum(T0, 42, { IsMonotonic: false }))!;
    expect(run([level])).toEqual([{ stat: 'value', signal: 'metric', value: 42 }]);
  });

  it('histograms: mean and estimated p95 of what arrived in the minute (cumulative, reset-aware)', () => {
    const bounds = [10, 50, 100];
    const h = (ms: number, counts: number[], total: number) =>
      observeHistogram({ ...base, TimeUnix: nano(ms), Count: String(counts.reduce((a, b) => a + b, 0)), Sum: total, BucketCounts: counts.map(String), ExplicitBounds: bounds, AggregationTemporality: 2 } as unknown as HistogramRow)!;
    const out = run([h(T0, [0, 0, 0, 0], 0), h(T0 + 60_000, [50, 40, 10, 0], 2000), h(T0 + 120_000, [100, 80, 20, 0], 4000)]);
    expect(out.map((o) => o.stat)).toEqual(['mean', 'p95', 'mean', 'p95']);
    expect(out[0].value).toBe(20);
    // rank 95 of 100 falls in (50, 100] at 5/10 of the way.
    expect(out[1].value).toBeCloseTo(75);
    expect(out[3].value).toBeCloseTo(75);
    const reset = histogramIncrease(
      { kind: 'histogram', cumulative: true, timeMs: T0, startMs: T0 - 1, count: 100, sum: 2000, bounds, buckets: [50, 40, 10, 0] },
      { kind: 'histogram', cumulative: true, timeMs: T0 + 60_000, startMs: T0 - 1, count: 4, sum: 40, bounds, buckets: [4, 0, 0, 0] },
    );
    expect(reset).toEqual({ count: 4, sum: 40, buckets: [4, 0, 0, 0] });
  });

  it('histogramQuantile follows histogram_quantile: first bucket from 0, overflow at the top bound', () => {
    expect(histogramQuantile([1, 2], [10, 0, 0], 0.5)).toBeCloseTo(0.5);
    expect(histogramQuantile([1, 2], [0, 0, 10], 0.95)).toBe(2);
    expect(histogramQuantile([1, 2], [0, 0, 0], 0.95)).toBeNaN();
  });

  it('logs: a count per minute per service and severity', () => {
    const obs = ['ERROR', 'ERROR', 'INFO'].map((sev) => observeLog({ Timestamp: nano(T0 + 5000), ServiceName: 'api', SeverityText: sev })!);
    expect(obs[0].source).not.toBe(obs[2].source);
    expect(run(obs.slice(0, 2))).toEqual([{ stat: 'count', signal: 'log_rate', value: 2 }]);
  });

  it('log patterns: a count per minute per service and template, for warnings or worse only', () => {
    const row = (sev: number, id: string) => ({ Timestamp: nano(T0 + 5000), ServiceName: 'api', SeverityNumber: sev, TemplateId: id });
    expect(observePattern(row(9, 'aaaaaaaaaaaaaaaa'))).toBeUndefined();
    expect(observePattern(row(17, ''))).toBeUndefined();
    const errors = [row(17, 'aaaaaaaaaaaaaaaa'), row(13, 'aaaaaaaaaaaaaaaa'), row(17, 'bbbbbbbbbbbbbbbb')].map((r) => observePattern(r)!);
    expect(errors[0].source).not.toBe(errors[2].source);
    expect(run(errors.slice(0, 2))).toEqual([{ stat: 'count', signal: 'log_pattern', value: 2 }]);
    const all = observeRows({ otel_logs: [{ ...row(17, 'aaaaaaaaaaaaaaaa'), SeverityText: 'ERROR' } as never] });
    expect(all.map((o) => o.base.signal).sort()).toEqual(['log_pattern', 'log_rate']);
  });

  it('log rows of a batch are counted per source and minute before they become observations', () => {
    const logs = [0, 10_000, 20_000, 70_000].map((dt, i) => ({ Timestamp: nano(T0 + dt), ServiceName: 'api', SeverityText: 'ERROR', SeverityNumber: 17, TemplateId: i < 3 ? 'aaaaaaaaaaaaaaaa' : 'bbbbbbbbbbbbbbbb' })) as never[];
    const obs = observeRows({ otel_logs: logs });
    const counts = obs.map((o) => [o.base.signal, o.base.name, (o.sample as { count: number }).count, o.timeMs]);
    expect(counts).toEqual(expect.arrayContaining([
      ['log_rate', 'ERROR', 3, T0 + 20_000],
      ['log_pattern', 'aaaaaaaaaaaaaaaa', 3, T0 + 20_000],
      ['log_rate', 'ERROR', 1, T0 + 70_000],
      ['log_pattern', 'bbbbbbbbbbbbbbbb', 1, T0 + 70_000],
    ]));
    expect(obs).toHaveLength(4);
  });

  it('spans: calls, error ratio and p95 duration (ms) per minute per service and span name', () => {
    const spans = Array.from({ length: 100 }, (_, i) =>
      observeSpan({ Timestamp: nano(T0 + i * 100), ServiceName: 'api', SpanName: 'GET /cart', Duration: String((i + 1) * 1_000_000), StatusCode: i < 5 ? 'Error' : 'Ok' })!,
    );
    const out = run(spans);
    expect(out.find((o) => o.signal === 'span_rate')?.value).toBe(100);
    expect(out.find((o) => o.signal === 'span_errors')?.value).toBeCloseTo(0.05);
    const p95 = out.find((o) => o.signal === 'span_latency')!.value;
    expect(Math.abs(p95 - 95) / 95).toBeLessThan(0.03);
  });

  it('the duration sketch keeps quantiles within about 1%', () => {
    const sketch = createSketch();
    for (let i = 1; i <= 10_000; i++) addToSketch(sketch, i);
    expect(Math.abs(sketchQuantile(sketch, 0.95) - 9500) / 9500).toBeLessThan(0.015);
    expect(sketch.buckets.size).toBeLessThan(500);
  });

  it('observeRows skips rows without an event time and tables it does not read', () => {
    const rows = { otel_metrics_gauge: [{ ...base, TimeUnix: '000000000.000000000', Value: 1 } as unknown as GaugeRow], events: [] };
    expect(observeRows(rows)).toEqual([]);
  });
});
