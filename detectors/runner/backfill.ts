import { queries, type Store } from '../../analytics/index.js';
import type { AnomalyRecord } from '../../analytics/queries/anomalies.js';
import type { GaugeRow, HistogramRow, SumRow } from '../../ingest/index.js';
import { MinuteBucketer } from './bucketer.js';
import { DetectionCore, type CoreOptions } from './core.js';
import { observeGauge, observeHistogram, observeSum, PATTERN_MIN_SEVERITY, type Observation } from './extract.js';
import { seriesKey, type SeriesId, type SeriesPoint } from './series.js';

/**
 * Offline detection over stored history: reads the store window by window in event-time
 * order — raw metric points (through the same minute bucketing as live data) and the
 * per-minute log and span rollups — and runs the same core (detectors, zero-fill,
 * hysteresis) as the live runner. Writes scores and anomalies (anomaly ids derive from
 * series and start, so re-running a range rewrites it); never touches the live
 * detector_state.
 */
export interface BackfillOptions {
  core: CoreOptions;
  lagMs: number;
  sinceMs: number;
  untilMs: number;
  /** Only series whose key starts with this. */
  seriesPrefix?: string;
  /** History is read this much at a time. */
  windowMs?: number;
  onWindow?: (done: number, total: number) => void;
  /** false: score without writing scores or anomalies (a backtest); default true. */
  write?: boolean;
  /** Each batch of anomaly versions found (open, updated, closed: the latest version of an id wins). */
  onAnomalies?: (anomalies: AnomalyRecord[]) => void;
}

export interface BackfillResult {
  points: number;
  series: number;
  anomalies: number;
  /** Series states pushed out by core.maxSeries and relearned (raise it, or narrow the prefix). */
  evictions: number;
}

const HOUR_MS = 3_600_000;

export async function backfill(store: Store, options: BackfillOptions): Promise<BackfillResult> {
  const windowMs = options.windowMs ?? HOUR_MS;
  const core = new DetectionCore(options.core);
  const bucketer = new MinuteBucketer({ lagMs: options.lagMs, maxSources: options.core.maxSeries * 2, silentZeroMinutes: options.core.maxGapMinutes });
  const keep = (p: SeriesPoint) => !options.seriesPrefix || p.key.startsWith(options.seriesPrefix);
  const seen = new Set<string>();
  const anomalies = new Map<string, AnomalyRecord>();
  let updatedAtMs = Date.now();
  let points = 0;
  let found = 0;
  let evictions = 0;

  const run = async (batch: SeriesPoint[]) => {
    const selected = batch.filter(keep).sort((a, b) => a.timeMs - b.timeMs);
    const out = core.process(selected);
    evictions += out.evicted.length + core.takeEvicted().length; // offline states are throw-away
    for (const p of selected) seen.add(p.key);
    points += out.scores.length;
    const write = options.write ?? true;
    if (write) for (let i = 0; i < out.scores.length; i += 50_000) await queries.insertSeriesScores(store, out.scores.slice(i, i + 50_000));
    for (const e of out.events) {
      if (!anomalies.has(e.anomaly.id)) found++;
      anomalies.set(e.anomaly.id, { ...e.anomaly, updatedAtMs: ++updatedAtMs });
    }
    options.onAnomalies?.([...anomalies.values()]);
    if (write) await queries.insertAnomalies(store, [...anomalies.values()]);
    anomalies.clear();
  };

  const total = Math.max(1, Math.ceil((options.untilMs - options.sinceMs) / windowMs));
  for (let i = 0; i < total; i++) {
    const range = { fromMs: options.sinceMs + i * windowMs, toMs: Math.min(options.untilMs, options.sinceMs + (i + 1) * windowMs) };
    for (const obs of await metricObservations(store, range)) bucketer.add(obs);
    await run([...bucketer.drain(), ...(await rollupPoints(store, range))]);
    options.onWindow?.(i + 1, total);
  }
  await run(bucketer.flush());
  return { points, series: seen.size, anomalies: found, evictions };
}

async function metricObservations(store: Store, range: { fromMs: number; toMs: number }): Promise<Observation[]> {
  const [gauges, sums, histograms] = await Promise.all([
    queries.metricRowsForDetection(store, 'otel_metrics_gauge', range),
    queries.metricRowsForDetection(store, 'otel_metrics_sum', range),
    queries.metricRowsForDetection(store, 'otel_metrics_histogram', range),
  ]);
  const out: Observation[] = [];
  for (const r of gauges) pushDefined(out, observeGauge(r as unknown as GaugeRow));
  for (const r of sums) pushDefined(out, observeSum(r as unknown as SumRow));
  for (const r of histograms) pushDefined(out, observeHistogram(r as unknown as HistogramRow));
  return out.sort((a, b) => a.timeMs - b.timeMs);
}

function pushDefined<T>(list: T[], item: T | undefined): void {
  if (item !== undefined) list.push(item);
}

/** Log and span minutes from the rollups, as the series points live extraction makes. */
async function rollupPoints(store: Store, range: { fromMs: number; toMs: number }): Promise<SeriesPoint[]> {
  const [logs, patterns, spans] = await Promise.all([
    queries.logMinutes(store, range),
    queries.patternMinutes(store, range, PATTERN_MIN_SEVERITY),
    queries.spanMinutes(store, range),
  ]);
  const out: SeriesPoint[] = [];
  const point = (id: SeriesId, timeMs: number, value: number) => {
    if (Number.isFinite(value)) out.push({ key: seriesKey(id), id, timeMs, value });
  };
  for (const r of logs) point({ signal: 'log_rate', service: r.service, name: r.severity || 'UNSET', stat: 'count', attributes: {} }, r.minuteMs, r.count);
  for (const r of patterns) point({ signal: 'log_pattern', service: r.service, name: r.templateId, stat: 'count', attributes: {} }, r.minuteMs, r.count);
  for (const r of spans) {
    const base = { service: r.service, name: r.name, attributes: {} };
    point({ ...base, signal: 'span_rate', stat: 'count' }, r.minuteMs, r.calls);
    point({ ...base, signal: 'span_errors', stat: 'ratio' }, r.minuteMs, r.calls > 0 ? r.errors / r.calls : 0);
    point({ ...base, signal: 'span_latency', stat: 'p95' }, r.minuteMs, r.p95Ms);
  }
  return out;
}
