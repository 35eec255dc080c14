import type { Store } from '../store.js';

/**
 * Named queries for chaos drills: the drill history, and the few readings a running drill
 * takes of the telemetry (steady-state RED values, canary records stored, where a
 * service's event time stands). Times are milliseconds since the epoch.
 */
export interface DrillRow {
  id: string;
  name: string;
  status: string;
  targetKind: string;
  spec: string;
  requestedBy: string;
  approvedBy: string;
  startedMs: number;
  endedMs: number;
  score: number;
  passed: boolean;
  report: string;
  updatedMs: number;
}

/** `"<seconds, 9+ digits>.<ms>"`: ClickHouse parses it as a Unix time into DateTime64(3) (fewer digits read as a date). */
function msText(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  return `${String(Math.floor(t / 1000)).padStart(9, '0')}.${String(t % 1000).padStart(3, '0')}`;
}

export async function saveDrill(store: Store, d: DrillRow): Promise<void> {
  const row = {
    DrillId: d.id,
    Name: d.name,
    Status: d.status,
    TargetKind: d.targetKind,
    Spec: d.spec,
    RequestedBy: d.requestedBy,
    ApprovedBy: d.approvedBy,
    StartedAt: msText(d.startedMs),
    EndedAt: msText(d.endedMs),
    Score: Number.isFinite(d.score) ? d.score : 0,
    Passed: d.passed ? 1 : 0,
    Report: d.report,
    UpdatedAt: msText(d.updatedMs),
  };
  await store.insertJsonEachRow('drills', Buffer.from(JSON.stringify(row)), { dedupToken: `drill/${d.id}/${d.updatedMs}/${d.status}` });
}

interface RawDrill {
  DrillId: string;
  Name: string;
  Status: string;
  TargetKind: string;
  Spec: string;
  RequestedBy: string;
  ApprovedBy: string;
  StartedMs: string | number;
  EndedMs: string | number;
  Score: number;
  Passed: number;
  Report?: string;
  UpdatedMs: string | number;
}

const toRow = (r: RawDrill): DrillRow => ({
  id: r.DrillId,
  name: r.Name,
  status: r.Status,
  targetKind: r.TargetKind,
  spec: r.Spec,
  requestedBy: r.RequestedBy,
  approvedBy: r.ApprovedBy,
  startedMs: Number(r.StartedMs),
  endedMs: Number(r.EndedMs),
  score: r.Score,
  passed: r.Passed === 1,
  report: r.Report ?? '',
  updatedMs: Number(r.UpdatedMs),
});

const COLUMNS = `DrillId, Name, Status, TargetKind, Spec, RequestedBy, ApprovedBy, toUnixTimestamp64Milli(StartedAt) AS StartedMs,
  toUnixTimestamp64Milli(EndedAt) AS EndedMs, Score, Passed, toUnixTimestamp64Milli(UpdatedAt) AS UpdatedMs`;

/** Drills newest first, without their (large) reports. */
export async function listDrills(store: Store, options: { name?: string; limit: number }): Promise<DrillRow[]> {
  const rows = await store.query<RawDrill>(
    `SELECT ${COLUMNS} FROM drills FINAL WHERE ({name:String} = '' OR Name = {name:String}) ORDER BY StartedAt DESC LIMIT {limit:UInt32}`,
    { name: options.name ?? '', limit: options.limit },
  );
  return rows.map(toRow);
}

export async function getDrill(store: Store, id: string): Promise<DrillRow | undefined> {
  const rows = await store.query<RawDrill>(`SELECT ${COLUMNS}, Report FROM drills FINAL WHERE DrillId = {id:String} LIMIT 1`, { id });
  return rows[0] ? toRow(rows[0]) : undefined;
}

export type RedMetric = 'errorRatio' | 'p95LatencyMs' | 'callsPerMinute';

/**
 * A service's RED value over [fromMs, toMs) from the span rollup (its SERVER spans; all
 * its spans when it has none), or undefined when it had no spans then.
 */
export async function serviceRed(store: Store, service: string, metric: RedMetric, fromMs: number, toMs: number): Promise<number | undefined> {
  const rows = await store.query<{ Calls: string | number; Errors: string | number; P95: number; Minutes: string | number }>(
    `SELECT sum(Calls) AS Calls, sum(Errors) AS Errors, quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationQuantiles)[2] / 1e6 AS P95,
       uniqExact(Minute) AS Minutes
     FROM span_red_per_minute
     WHERE ServiceName = {service:String} AND Minute >= toDateTime({from:Int64}) AND Minute < toDateTime({to:Int64})
       AND (SpanKind = 'Server' OR NOT (SELECT count() > 0 FROM span_red_per_minute WHERE ServiceName = {service:String} AND SpanKind = 'Server'
            AND Minute >= toDateTime({from:Int64}) AND Minute < toDateTime({to:Int64})))`,
    { service, from: Math.floor(fromMs / 60_000) * 60, to: Math.ceil(toMs / 60_000) * 60 },
  );
  const r = rows[0];
  const calls = Number(r?.Calls ?? 0);
  if (!r || calls === 0) return undefined;
  if (metric === 'errorRatio') return Number(r.Errors) / calls;
  if (metric === 'p95LatencyMs') return r.P95;
  return calls / Math.max(1, Number(r.Minutes));
}

/** Canary log records stored with event time in [fromMs, toMs) (distinct sequence numbers). */
export async function canaryRecordsStored(store: Store, service: string, fromMs: number, toMs: number): Promise<number> {
  const rows = await store.query<{ n: string | number }>(
    `SELECT uniqExact(LogAttributes['vigil.canary.seq']) AS n FROM otel_logs
     WHERE ServiceName = {service:String} AND Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})`,
    { service, from: Math.floor(fromMs), to: Math.ceil(toMs) },
  );
  return Number(rows[0]?.n ?? 0);
}

/** Latest span or log event time of these services (ms), 0 when there is none. */
export async function lastEventTime(store: Store, services: string[]): Promise<number> {
  if (services.length === 0) return 0;
  const rows = await store.query<{ t: string | number }>(
    `SELECT greatest(
       (SELECT toUnixTimestamp64Milli(max(Timestamp)) FROM otel_traces WHERE ServiceName IN {services:Array(String)}),
       (SELECT toUnixTimestamp64Milli(max(Timestamp)) FROM otel_logs WHERE ServiceName IN {services:Array(String)})) AS t`,
    { services },
  );
  return Number(rows[0]?.t ?? 0);
}
