import type { Store } from '../store.js';

/**
 * Named queries over what the detectors write: anomalies, detector state and scored
 * points, plus the history readers of `vigil detect backfill`. Times cross this boundary
 * as milliseconds since the epoch (numbers); the API renders them as RFC 3339.
 */

/** `"<seconds, 9+ digits>.<ms>"`: ClickHouse parses it as a Unix time into DateTime64. */
function msText(ms: number): string {
  const t = Math.floor(ms);
  const sec = Math.floor(t / 1000);
  return `${String(sec).padStart(9, '0')}.${String(t - sec * 1000).padStart(3, '0')}`;
}

const finite = (x: number): number => (Number.isFinite(x) ? x : 0);

function jsonEachRow(rows: readonly object[]): Buffer {
  return Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'), 'utf8');
}

export interface AnomalyRecord {
  id: string;
  seriesKey: string;
  signal: string;
  service: string;
  name: string;
  stat: string;
  attributes: Record<string, string>;
  startMs: number;
  endMs: number;
  peakScore: number;
  peakMs: number;
  expected: number;
  actual: number;
  lower: number;
  upper: number;
  detector: string;
  status: 'open' | 'closed';
  updatedAtMs: number;
}

export async function insertAnomalies(store: Store, rows: readonly AnomalyRecord[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  const body = jsonEachRow(
    rows.map((a) => ({
      AnomalyId: a.id,
      SeriesKey: a.seriesKey,
      Signal: a.signal,
      ServiceName: a.service,
      Name: a.name,
      Stat: a.stat,
      Attributes: a.attributes,
      StartTime: msText(a.startMs),
      EndTime: msText(a.endMs),
      PeakScore: finite(a.peakScore),
      PeakTime: msText(a.peakMs),
      Expected: finite(a.expected),
      Actual: finite(a.actual),
      Lower: finite(a.lower),
      Upper: finite(a.upper),
      Detector: a.detector,
      Status: a.status,
      UpdatedAt: msText(a.updatedAtMs),
    })),
  );
  await store.insertJsonEachRow('anomalies', body, { dedupToken });
}

export interface ScoreRecord {
  key: string;
  timeMs: number;
  value: number;
  expected: number;
  lower: number;
  upper: number;
  score: number;
}

export async function insertSeriesScores(store: Store, rows: readonly ScoreRecord[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  const body = jsonEachRow(
    rows.map((p) => ({
      SeriesKey: p.key,
      Time: msText(p.timeMs),
      Value: finite(p.value),
      Expected: finite(p.expected),
      Lower: finite(p.lower),
      Upper: finite(p.upper),
      Score: finite(p.score),
    })),
  );
  await store.insertJsonEachRow('series_scores', body, { dedupToken });
}

export interface DetectorStateRecord {
  key: string;
  detector: string;
  snapshot: string;
  lastTimeMs: number;
  updatedAtMs: number;
}

export async function insertDetectorStates(store: Store, rows: readonly DetectorStateRecord[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  const body = jsonEachRow(
    rows.map((s) => ({ SeriesKey: s.key, Detector: s.detector, Snapshot: s.snapshot, LastTime: msText(Math.max(0, finite(s.lastTimeMs))), UpdatedAt: msText(s.updatedAtMs) })),
  );
  await store.insertJsonEachRow('detector_state', body, { dedupToken });
}

/** The latest snapshot of each of these series for one detector (absent keys have none). */
export async function loadDetectorStates(store: Store, keys: readonly string[], detector: string): Promise<Map<string, { snapshot: string; lastTimeMs: number }>> {
  const out = new Map<string, { snapshot: string; lastTimeMs: number }>();
  if (keys.length === 0) return out;
  const rows = await store.query<{ key: string; snapshot: string; lastTimeMs: string }>(
    `SELECT SeriesKey AS key, argMax(Snapshot, UpdatedAt) AS snapshot, toString(argMax(toUnixTimestamp64Milli(LastTime), UpdatedAt)) AS lastTimeMs
    FROM detector_state WHERE Detector = {detector:String} AND SeriesKey IN {keys:Array(String)}
    GROUP BY SeriesKey`,
    { keys, detector },
  );
  for (const r of rows) out.set(r.key, { snapshot: r.snapshot, lastTimeMs: Number(r.lastTimeMs) });
  return out;
}

/** How many series have a stored detector state. */
export async function detectorStateCount(store: Store): Promise<number> {
  const [row] = await store.query<{ n: string }>('SELECT uniqExact(SeriesKey, Detector) AS n FROM detector_state');
  return Number(row?.n ?? 0);
}

export interface AnomalySearch {
  sinceMs: number;
  untilMs: number;
  service?: string;
  signal?: string;
  minScore?: number;
  status?: 'open' | 'closed';
  limit: number;
}

/**
 * Anomalies overlapping [since, until), latest version of each, strongest first. Only
 * columns fixed for an anomaly's life (id, series, start) filter before taking the latest
 * version; the ones that evolve (end, peak, status) filter after.
 */
export async function searchAnomalies(store: Store, q: AnomalySearch): Promise<AnomalyRecord[]> {
  const inner = ['StartTime < fromUnixTimestamp64Milli({until:Int64})'];
  if (q.service !== undefined) inner.push('ServiceName = {service:String}');
  if (q.signal !== undefined) inner.push('Signal = {signal:String}');
  const outer = ['EndTime >= fromUnixTimestamp64Milli({since:Int64})'];
  if (q.minScore !== undefined) outer.push('PeakScore >= {minScore:Float64}');
  if (q.status !== undefined) outer.push('Status = {status:String}');
  const rows = await store.query<Record<string, unknown>>(
    `SELECT AnomalyId AS id, SeriesKey AS seriesKey, Signal AS signal, ServiceName AS service, Name AS name, Stat AS stat,
        Attributes AS attributes, toString(toUnixTimestamp64Milli(StartTime)) AS startMs, toString(toUnixTimestamp64Milli(EndTime)) AS endMs,
        PeakScore AS peakScore, toString(toUnixTimestamp64Milli(PeakTime)) AS peakMs, Expected AS expected, Actual AS actual,
        Lower AS lower, Upper AS upper, Detector AS detector, Status AS status, toString(toUnixTimestamp64Milli(UpdatedAt)) AS updatedAtMs
    FROM (
        SELECT * FROM anomalies WHERE ${inner.join(' AND ')}
        ORDER BY AnomalyId, UpdatedAt DESC LIMIT 1 BY AnomalyId
    )
    WHERE ${outer.join(' AND ')}
    ORDER BY PeakScore DESC, StartTime DESC
    LIMIT {limit:UInt32}`,
    { since: String(Math.floor(q.sinceMs)), until: String(Math.floor(q.untilMs)), service: q.service, signal: q.signal, minScore: q.minScore, status: q.status, limit: q.limit },
  );
  return rows.map((r) => ({
    ...(r as unknown as AnomalyRecord),
    startMs: Number(r.startMs),
    endMs: Number(r.endMs),
    peakMs: Number(r.peakMs),
    updatedAtMs: Number(r.updatedAtMs),
    peakScore: Number(r.peakScore),
    expected: Number(r.expected),
    actual: Number(r.actual),
    lower: Number(r.lower),
    upper: Number(r.upper),
  }));
}

export interface SeriesScores {
  timesMs: number[];
  values: number[];
  expected: number[];
  lower: number[];
  upper: number[];
  scores: number[];
}

/** A series' scored points in [since, until), oldest first, as columns (what uPlot charts). */
export async function seriesScores(store: Store, key: string, range: { sinceMs: number; untilMs: number }, limit = 100_000): Promise<SeriesScores> {
  const [row] = await store.query<{ t: string[]; v: number[]; e: number[]; lo: number[]; hi: number[]; s: number[] }>(
    `SELECT groupArray(toString(t)) AS t, groupArray(v) AS v, groupArray(e) AS e, groupArray(lo) AS lo, groupArray(hi) AS hi, groupArray(s) AS s
    FROM (
        SELECT toUnixTimestamp64Milli(Time) AS t, Value AS v, Expected AS e, Lower AS lo, Upper AS hi, Score AS s
        FROM series_scores FINAL
        WHERE SeriesKey = {key:String} AND Time >= fromUnixTimestamp64Milli({since:Int64}) AND Time < fromUnixTimestamp64Milli({until:Int64})
        ORDER BY Time LIMIT {limit:UInt32}
    )`,
    { key, since: String(Math.floor(range.sinceMs)), until: String(Math.floor(range.untilMs)), limit },
  );
  const num = (xs: unknown[] | undefined) => (xs ?? []).map(Number);
  return { timesMs: num(row?.t), values: num(row?.v), expected: num(row?.e), lower: num(row?.lo), upper: num(row?.hi), scores: num(row?.s) };
}

/** Metric rows of one table in [from, to), in event-time order, shaped like the ingest rows the detectors read. */
export async function metricRowsForDetection(
  store: Store,
  table: 'otel_metrics_gauge' | 'otel_metrics_sum' | 'otel_metrics_histogram',
  range: { fromMs: number; toMs: number },
): Promise<Record<string, unknown>[]> {
  const extra = {
    otel_metrics_gauge: 'Value',
    otel_metrics_sum: 'Value, AggregationTemporality, IsMonotonic',
    otel_metrics_histogram: 'toString(Count) AS Count, Sum, arrayMap(x -> toString(x), BucketCounts) AS BucketCounts, ExplicitBounds, AggregationTemporality',
  }[table];
  const rows = await store.query<Record<string, unknown>>(
    `SELECT ServiceName, MetricName, Attributes, mapFilter((k, v) -> k = 'service.instance.id', ResourceAttributes) AS ResourceAttributes,
        toString(toUnixTimestamp64Nano(src.TimeUnix)) AS TimeUnix, toString(toUnixTimestamp64Nano(src.StartTimeUnix)) AS StartTimeUnix, ${extra}
    FROM ${table} AS src
    WHERE src.TimeUnix >= fromUnixTimestamp64Milli({from:Int64}) AND src.TimeUnix < fromUnixTimestamp64Milli({to:Int64})
    ORDER BY src.TimeUnix`,
    { from: String(Math.floor(range.fromMs)), to: String(Math.floor(range.toMs)) },
  );
  for (const r of rows) if ('IsMonotonic' in r) r.IsMonotonic = r.IsMonotonic === true || r.IsMonotonic === 1 || r.IsMonotonic === '1' || r.IsMonotonic === 'true';
  return rows;
}

/** Log counts per minute by service and severity in [from, to), from the rollup. */
export async function logMinutes(store: Store, range: { fromMs: number; toMs: number }): Promise<Array<{ minuteMs: number; service: string; severity: string; count: number }>> {
  const rows = await store.query<{ m: string; service: string; severity: string; n: string }>(
    `SELECT toString(toUnixTimestamp(Minute) * 1000) AS m, ServiceName AS service, SeverityText AS severity, toString(sum(Count)) AS n
    FROM logs_per_minute
    WHERE Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({to:Int64}, 1000))
    GROUP BY Minute, ServiceName, SeverityText ORDER BY Minute`,
    { from: String(Math.floor(range.fromMs)), to: String(Math.floor(range.toMs)) },
  );
  return rows.map((r) => ({ minuteMs: Number(r.m), service: r.service, severity: r.severity, count: Number(r.n) }));
}

/** Warning-or-worse log counts per minute by service and pattern (template id) in [from, to), from the rollup. */
export async function patternMinutes(store: Store, range: { fromMs: number; toMs: number }, minSeverityNumber: number): Promise<Array<{ minuteMs: number; service: string; templateId: string; count: number }>> {
  const rows = await store.query<{ m: string; service: string; t: string; n: string }>(
    `SELECT toString(toUnixTimestamp(Minute) * 1000) AS m, ServiceName AS service, TemplateId AS t, toString(sum(Count)) AS n
    FROM log_templates_per_minute
    WHERE Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({to:Int64}, 1000))
      AND SeverityNumber >= {sev:UInt8}
    GROUP BY Minute, ServiceName, TemplateId ORDER BY Minute`,
    { from: String(Math.floor(range.fromMs)), to: String(Math.floor(range.toMs)), sev: minSeverityNumber },
  );
  return rows.map((r) => ({ minuteMs: Number(r.m), service: r.service, templateId: r.t, count: Number(r.n) }));
}

/** Span calls, errors and p95 duration (ms) per minute by service and span name in [from, to), from the rollup. */
export async function spanMinutes(store: Store, range: { fromMs: number; toMs: number }): Promise<Array<{ minuteMs: number; service: string; name: string; calls: number; errors: number; p95Ms: number }>> {
  const rows = await store.query<{ m: string; service: string; name: string; calls: string; errors: string; p95: number }>(
    `SELECT toString(toUnixTimestamp(Minute) * 1000) AS m, ServiceName AS service, SpanName AS name, toString(sum(Calls)) AS calls,
        toString(sum(Errors)) AS errors, quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationQuantiles)[2] / 1e6 AS p95
    FROM span_red_per_minute
    WHERE Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({to:Int64}, 1000))
    GROUP BY Minute, ServiceName, SpanName ORDER BY Minute`,
    { from: String(Math.floor(range.fromMs)), to: String(Math.floor(range.toMs)) },
  );
  return rows.map((r) => ({ minuteMs: Number(r.m), service: r.service, name: r.name, calls: Number(r.calls), errors: Number(r.errors), p95Ms: Number(r.p95) }));
}
