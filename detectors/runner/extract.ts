import type { GaugeRow, HistogramRow, LogRow, SpanRow, SumRow, TableRows } from '../../ingest/index.js';
import { nanoTextToMs, type SeriesId } from './series.js';

/**
 * Rows → observations: one telemetry item seen as a sample of a *source* (a counter, a
 * histogram, a service's logs at one severity, a span name). A source's minute closes
 * into one or more series points (see accumulate.ts).
 */
export type Sample =
  | { kind: 'gauge'; value: number }
  /** Monotonic cumulative sum: its rate comes from the difference with the previous minute. */
  | { kind: 'cumulative'; timeMs: number; startMs: number; value: number }
  /** Delta sum: `value` accumulated over `durationSec`. */
  | { kind: 'delta'; value: number; durationSec: number }
  | { kind: 'histogram'; cumulative: boolean; timeMs: number; startMs: number; count: number; sum: number; bounds: number[]; buckets: number[] }
  | { kind: 'log'; count: number }
  | { kind: 'span'; error: boolean; durationMs: number };

export type SourceKind = Sample['kind'];

export interface Observation {
  /** Identity of the source (stable text). */
  source: string;
  /** Sources sharing a clock close their minutes together: `<family>:<service>`. */
  clock: string;
  /** The series the source turns into, without the stat. */
  base: Omit<SeriesId, 'stat'>;
  timeMs: number;
  sample: Sample;
}

/** OTLP AggregationTemporality. */
const DELTA = 1;
const CUMULATIVE = 2;

/** A delta sample without a usable start time is taken to cover one minute. */
const DEFAULT_DELTA_SEC = 60;

function metricBase(row: GaugeRow | SumRow | HistogramRow): Omit<SeriesId, 'stat'> {
  // Instances of one service each report their own counters; mixing them would break rates.
  const instance = row.ResourceAttributes?.['service.instance.id'];
  const attributes = instance === undefined || row.Attributes['service.instance.id'] !== undefined ? row.Attributes : { ...row.Attributes, 'service.instance.id': instance };
  return { signal: 'metric', service: row.ServiceName, name: row.MetricName, attributes };
}

/** Attributes with their keys in order (senders usually keep one order: then no copy is made). */
function sortedAttributes(attributes: Record<string, string>): Record<string, string> {
  const keys = Object.keys(attributes);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  if (sorted) return attributes;
  const out: Record<string, string> = {};
  for (const k of keys.sort()) out[k] = attributes[k];
  return out;
}

function observation(kind: SourceKind, family: string, base: Omit<SeriesId, 'stat'>, timeMs: number, sample: Sample): Observation {
  // Identity only (never shown): one native JSON.stringify per row is the cheapest unambiguous text.
  const source = JSON.stringify([kind, base.signal, base.service, base.name, sortedAttributes(base.attributes)]);
  return { source, clock: `${family}:${base.service}`, base, timeMs, sample };
}

export function observeGauge(row: GaugeRow): Observation | undefined {
  const timeMs = nanoTextToMs(row.TimeUnix);
  if (!(timeMs > 0) || !Number.isFinite(row.Value)) return undefined;
  return observation('gauge', 'metric', metricBase(row), timeMs, { kind: 'gauge', value: row.Value });
}

export function observeSum(row: SumRow): Observation | undefined {
  const timeMs = nanoTextToMs(row.TimeUnix);
  if (!(timeMs > 0) || !Number.isFinite(row.Value)) return undefined;
  const base = metricBase(row);
  const startMs = nanoTextToMs(row.StartTimeUnix);
  if (row.AggregationTemporality === CUMULATIVE && row.IsMonotonic) {
    return observation('cumulative', 'metric', base, timeMs, { kind: 'cumulative', timeMs, startMs, value: row.Value });
  }
  if (row.AggregationTemporality === DELTA) {
    const durationSec = startMs > 0 && startMs < timeMs ? (timeMs - startMs) / 1000 : DEFAULT_DELTA_SEC;
    return observation('delta', 'metric', base, timeMs, { kind: 'delta', value: row.Value, durationSec });
  }
  // Non-monotonic (up-down) sums are levels: detect the value itself.
  return observation('gauge', 'metric', base, timeMs, { kind: 'gauge', value: row.Value });
}

export function observeHistogram(row: HistogramRow): Observation | undefined {
  const timeMs = nanoTextToMs(row.TimeUnix);
  if (!(timeMs > 0)) return undefined;
  const count = Number(row.Count);
  const buckets = row.BucketCounts.map(Number);
  return observation('histogram', 'metric', metricBase(row), timeMs, {
    kind: 'histogram',
    cumulative: row.AggregationTemporality === CUMULATIVE,
    timeMs,
    startMs: nanoTextToMs(row.StartTimeUnix),
    count,
    sum: Number.isFinite(row.Sum) ? row.Sum : 0,
    bounds: row.ExplicitBounds,
    buckets,
  });
}

export function observeLog(row: Pick<LogRow, 'Timestamp' | 'ServiceName' | 'SeverityText'>, count = 1): Observation | undefined {
  const timeMs = nanoTextToMs(row.Timestamp);
  if (!(timeMs > 0)) return undefined;
  const base: Omit<SeriesId, 'stat'> = { signal: 'log_rate', service: row.ServiceName, name: row.SeverityText || 'UNSET', attributes: {} };
  return observation('log', 'logs', base, timeMs, { kind: 'log', count });
}

/** OpenTelemetry severity number of WARN: patterns at or above it get a rate series of their own. */
export const PATTERN_MIN_SEVERITY = 13;

/**
 * A warning-or-worse log row counted under its pattern (template id): a rate series per
 * service and pattern, so a spike or a drop of one error pattern stands out even when the
 * service's overall error rate barely moves.
 */
export function observePattern(row: Pick<LogRow, 'Timestamp' | 'ServiceName' | 'SeverityNumber' | 'TemplateId'>, count = 1): Observation | undefined {
  if (!row.TemplateId || row.SeverityNumber < PATTERN_MIN_SEVERITY) return undefined;
  const timeMs = nanoTextToMs(row.Timestamp);
  if (!(timeMs > 0)) return undefined;
  const base: Omit<SeriesId, 'stat'> = { signal: 'log_pattern', service: row.ServiceName, name: row.TemplateId, attributes: {} };
  return observation('log', 'logs', base, timeMs, { kind: 'log', count });
}

export function observeSpan(row: Pick<SpanRow, 'Timestamp' | 'ServiceName' | 'SpanName' | 'Duration' | 'StatusCode'>): Observation | undefined {
  const timeMs = nanoTextToMs(row.Timestamp);
  if (!(timeMs > 0)) return undefined;
  const base: Omit<SeriesId, 'stat'> = { signal: 'span_rate', service: row.ServiceName, name: row.SpanName, attributes: {} };
  return observation('span', 'spans', base, timeMs, { kind: 'span', error: row.StatusCode === 'Error', durationMs: Number(row.Duration) / 1e6 });
}

/**
 * Log rows counted per service, severity (and pattern) and minute before they become
 * observations: a count is all the detectors read from a log row, and a batch holds
 * thousands of rows of a few sources. Each group keeps its latest event time, which is
 * what advances the service's clock.
 */
export function observeLogRows(rows: readonly LogRow[]): Observation[] {
  const groups = new Map<string, { row: LogRow; timeMs: number; count: number; pattern: boolean }>();
  for (const row of rows) {
    const timeMs = nanoTextToMs(row.Timestamp);
    if (!(timeMs > 0)) continue;
    const minute = Math.floor(timeMs / 60_000);
    tally(groups, `${minute}\u0000${row.ServiceName}\u0000${row.SeverityText}`, row, timeMs, false);
    if (row.TemplateId && row.SeverityNumber >= PATTERN_MIN_SEVERITY) {
      tally(groups, `${minute}\u0000${row.ServiceName}\u0001${row.TemplateId}`, row, timeMs, true);
    }
  }
  const out: Observation[] = [];
  for (const g of groups.values()) {
    const row = { ...g.row, Timestamp: msToNanoText(g.timeMs) };
    const o = g.pattern ? observePattern(row, g.count) : observeLog(row, g.count);
    if (o) out.push(o);
  }
  return out;
}

function tally(groups: Map<string, { row: LogRow; timeMs: number; count: number; pattern: boolean }>, key: string, row: LogRow, timeMs: number, pattern: boolean): void {
  const g = groups.get(key);
  if (!g) groups.set(key, { row, timeMs, count: 1, pattern });
  else {
    g.count++;
    if (timeMs > g.timeMs) g.timeMs = timeMs;
  }
}

function msToNanoText(ms: number): string {
  const sec = Math.floor(ms / 1000);
  return `${String(sec).padStart(9, '0')}.${String(ms - sec * 1000).padStart(3, '0')}000000`;
}

/** Every observation in a batch of rows (tables the detectors do not read are ignored). */
export function observeRows(rows: Partial<TableRows>): Observation[] {
  const out: Observation[] = [];
  const push = (o: Observation | undefined) => {
    if (o) out.push(o);
  };
  for (const r of rows.otel_metrics_gauge ?? []) push(observeGauge(r));
  for (const r of rows.otel_metrics_sum ?? []) push(observeSum(r));
  for (const r of rows.otel_metrics_histogram ?? []) push(observeHistogram(r));
  if (rows.otel_logs) for (const o of observeLogRows(rows.otel_logs)) out.push(o);
  for (const r of rows.otel_traces ?? []) push(observeSpan(r));
  return out;
}
