import type { Store } from '../store.js';
import type { AnomalyRecord } from './anomalies.js';

/**
 * Named queries over incidents, their timelines and the changes (CloudEvents) incidents
 * are blamed on. Times cross this boundary as milliseconds since the epoch (event time).
 */

/** An incident row as the engine writes it (the shape of the incident contract). */
export interface IncidentRecord {
  id: string;
  fingerprint: string;
  title: string;
  status: string;
  severity: string;
  services: string[];
  rootService: string;
  startMs: number;
  updatedMs: number;
  acknowledgedMs?: number;
  acknowledgedBy?: string;
  resolvedMs?: number;
  resolvedBy?: string;
  anomalyIds: string[];
  suspects: unknown[];
  version: number;
}

export interface TimelineRecord {
  incidentId: string;
  timeMs: number;
  kind: string;
  ref: string;
  message: string;
  attributes: Record<string, string>;
}

function msText(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  const sec = Math.floor(t / 1000);
  return `${String(sec).padStart(9, '0')}.${String(t - sec * 1000).padStart(3, '0')}`;
}

function jsonEachRow(rows: readonly object[]): Buffer {
  return Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'), 'utf8');
}

/** Writes incident versions; `engineState` is kept opaque (what the engine restores from). */
export async function insertIncidents(store: Store, rows: ReadonlyArray<{ incident: IncidentRecord; engineState: string }>): Promise<void> {
  if (rows.length === 0) return;
  const body = jsonEachRow(
    rows.map(({ incident: i, engineState }) => ({
      IncidentId: i.id,
      Fingerprint: i.fingerprint,
      Title: i.title,
      Status: i.status,
      Severity: i.severity,
      Services: i.services,
      RootService: i.rootService,
      StartTime: msText(i.startMs),
      UpdatedTime: msText(i.updatedMs),
      AcknowledgedAt: msText(i.acknowledgedMs ?? 0),
      AcknowledgedBy: i.acknowledgedBy ?? '',
      ResolvedAt: msText(i.resolvedMs ?? 0),
      ResolvedBy: i.resolvedBy ?? '',
      AnomalyIds: i.anomalyIds,
      Suspects: JSON.stringify(i.suspects),
      Version: i.version,
      EngineState: engineState,
    })),
  );
  // (id, version) names one transition: a retried write of it is stored once.
  await store.insertJsonEachRow('incidents', body, { dedupToken: `incidents/${rows.map((r) => `${r.incident.id}@${r.incident.version}`).join(',')}` });
}

export async function insertTimeline(store: Store, rows: readonly TimelineRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const body = jsonEachRow(rows.map((e) => ({ IncidentId: e.incidentId, Time: msText(e.timeMs), Kind: e.kind, Ref: e.ref, Message: e.message, Attributes: e.attributes })));
  await store.insertJsonEachRow('incident_timeline', body);
}

const INCIDENT_COLUMNS = `IncidentId AS id, Fingerprint AS fingerprint, Title AS title, Status AS status, Severity AS severity, Services AS services,
    RootService AS rootService, toString(toUnixTimestamp64Milli(StartTime)) AS startMs, toString(toUnixTimestamp64Milli(UpdatedTime)) AS updatedMs,
    toString(toUnixTimestamp64Milli(AcknowledgedAt)) AS acknowledgedMs, AcknowledgedBy AS acknowledgedBy,
    toString(toUnixTimestamp64Milli(ResolvedAt)) AS resolvedMs, ResolvedBy AS resolvedBy, AnomalyIds AS anomalyIds, Suspects AS suspects, Version AS version`;

function toRecord(r: Record<string, unknown>): IncidentRecord {
  const opt = (ms: unknown) => (Number(ms) > 0 ? Number(ms) : undefined);
  const text = (s: unknown) => (s ? String(s) : undefined);
  return {
    id: String(r.id),
    fingerprint: String(r.fingerprint),
    title: String(r.title),
    status: String(r.status),
    severity: String(r.severity),
    services: r.services as string[],
    rootService: String(r.rootService),
    startMs: Number(r.startMs),
    updatedMs: Number(r.updatedMs),
    acknowledgedMs: opt(r.acknowledgedMs),
    acknowledgedBy: text(r.acknowledgedBy),
    resolvedMs: opt(r.resolvedMs),
    resolvedBy: text(r.resolvedBy),
    anomalyIds: r.anomalyIds as string[],
    suspects: JSON.parse(String(r.suspects || '[]')) as unknown[],
    version: Number(r.version),
  };
}

export interface IncidentSearch {
  status?: string;
  service?: string;
  /** Incidents updated since, plus every one not resolved. */
  sinceMs: number;
  limit: number;
}

/** Latest version of each incident, newest start first. */
export async function listIncidents(store: Store, q: IncidentSearch): Promise<IncidentRecord[]> {
  const where = [`(UpdatedTime >= fromUnixTimestamp64Milli({since:Int64}) OR Status != 'resolved')`];
  if (q.status !== undefined) where.push('Status = {status:String}');
  if (q.service !== undefined) where.push('has(Services, {service:String})');
  const rows = await store.query<Record<string, unknown>>(
    `SELECT ${INCIDENT_COLUMNS} FROM incidents FINAL WHERE ${where.join(' AND ')} ORDER BY StartTime DESC, IncidentId LIMIT {limit:UInt32}`,
    { since: String(Math.floor(q.sinceMs)), status: q.status, service: q.service, limit: q.limit },
  );
  return rows.map(toRecord);
}

export async function getIncident(store: Store, id: string): Promise<IncidentRecord | undefined> {
  const [row] = await store.query<Record<string, unknown>>(`SELECT ${INCIDENT_COLUMNS} FROM incidents FINAL WHERE IncidentId = {id:String}`, { id });
  return row ? toRecord(row) : undefined;
}

/**
 * Engine states of incidents not resolved, or resolved within `reopenWindowMs` of the
 * latest incident update (event time: they may still reopen).
 */
export async function loadIncidentStates(store: Store, reopenWindowMs: number): Promise<string[]> {
  const rows = await store.query<{ state: string }>(
    `SELECT EngineState AS state FROM incidents FINAL
    WHERE EngineState != '' AND (Status != 'resolved'
        OR ResolvedAt >= (SELECT max(UpdatedTime) FROM incidents) - toIntervalMillisecond({window:Int64}))`,
    { window: String(Math.floor(reopenWindowMs)) },
  );
  return rows.map((r) => r.state);
}

/**
 * Ids of the incident commands already applied (timeline attribute `command`), newest written
 * first, so a restarted engine does not apply a redelivered command again.
 */
export async function appliedIncidentCommands(store: Store, limit = 10_000): Promise<string[]> {
  const rows = await store.query<{ id: string }>(
    `SELECT Attributes['command'] AS id FROM incident_timeline
    WHERE Kind IN ('acknowledged', 'resolved') AND Attributes['command'] != ''
    ORDER BY WrittenAt DESC LIMIT {limit:UInt32}`,
    { limit },
  );
  return rows.map((r) => r.id);
}

/** An incident's timeline in event-time order (entries of one instant in the order they happened). */
export async function incidentTimeline(store: Store, id: string, limit = 1000): Promise<TimelineRecord[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT IncidentId AS incidentId, toString(toUnixTimestamp64Milli(Time)) AS timeMs, Kind AS kind, Ref AS ref, Message AS message, Attributes AS attributes
    FROM incident_timeline FINAL WHERE IncidentId = {id:String}
    ORDER BY Time, WrittenAt, indexOf(['anomaly-joined', 'change', 'reopened', 'opened', 'suspects-ranked', 'acknowledged', 'resolved'], Kind), Ref
    LIMIT {limit:UInt32}`,
    { id, limit },
  );
  return rows.map((r) => ({ ...(r as unknown as TimelineRecord), timeMs: Number(r.timeMs) }));
}

export interface ChangeRow {
  source: string;
  id: string;
  type: string;
  service: string;
  timeMs: number;
  data: string;
}

/** CloudEvents about a service in [since, until), oldest first (the caller decides which are changes). */
export async function serviceEvents(store: Store, range: { sinceMs: number; untilMs: number }, limit = 10_000): Promise<ChangeRow[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT Source AS source, Id AS id, Type AS type, ServiceName AS service, toString(toUnixTimestamp64Milli(Time)) AS timeMs, Data AS data
    FROM events FINAL
    WHERE ServiceName != '' AND Time >= fromUnixTimestamp64Milli({since:Int64}) AND Time < fromUnixTimestamp64Milli({until:Int64})
    ORDER BY Time LIMIT {limit:UInt32}`,
    { since: String(Math.floor(range.sinceMs)), until: String(Math.floor(range.untilMs)), limit },
  );
  return rows.map((r) => ({ ...(r as unknown as ChangeRow), timeMs: Number(r.timeMs) }));
}

/** Latest version of these anomalies (an incident's linked anomalies). */
export async function anomaliesByIds(store: Store, ids: readonly string[]): Promise<AnomalyRecord[]> {
  if (ids.length === 0) return [];
  const rows = await store.query<Record<string, unknown>>(
    `SELECT AnomalyId AS id, SeriesKey AS seriesKey, Signal AS signal, ServiceName AS service, Name AS name, Stat AS stat, Attributes AS attributes,
        toString(toUnixTimestamp64Milli(StartTime)) AS startMs, toString(toUnixTimestamp64Milli(EndTime)) AS endMs, PeakScore AS peakScore,
        toString(toUnixTimestamp64Milli(PeakTime)) AS peakMs, Expected AS expected, Actual AS actual, Lower AS lower, Upper AS upper,
        Detector AS detector, Status AS status, toString(toUnixTimestamp64Milli(UpdatedAt)) AS updatedAtMs
    FROM anomalies WHERE AnomalyId IN {ids:Array(String)}
    ORDER BY AnomalyId, UpdatedAt DESC LIMIT 1 BY AnomalyId`,
    { ids },
  );
  const numeric = ['startMs', 'endMs', 'peakScore', 'peakMs', 'expected', 'actual', 'lower', 'upper', 'updatedAtMs'] as const;
  return rows.map((r) => {
    const a = { ...r } as Record<string, unknown>;
    for (const k of numeric) a[k] = Number(r[k]);
    return a as unknown as AnomalyRecord;
  });
}
