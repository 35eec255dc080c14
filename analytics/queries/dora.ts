import type { Store } from '../store.js';
import { ENVIRONMENTS } from './xops-sql.js';

/**
 * What DORA and change risk read: deployments, rollbacks, merged changes and incidents
 * (Vigil's own from `incidents`, reported ones from CDEvents) from the typed views of
 * migration 009. Every reader takes [from, until) in event-time milliseconds and sees only
 * what had happened before `until` (an incident resolved later reads as unresolved), so
 * the same readers replay history for the change-risk backtest.
 */
export interface EventRange {
  fromMs: number;
  untilMs: number;
  /** Only these services (all when absent). */
  services?: readonly string[];
  /** Only deployments, rollbacks and reported incidents in these environments (lower case; all when absent or empty). */
  environments?: readonly string[];
}

const RANGE = 'Time >= fromUnixTimestamp64Milli({from:Int64}) AND Time < fromUnixTimestamp64Milli({until:Int64})';
const SERVICES = '(length({services:Array(String)}) = 0 OR has({services:Array(String)}, ServiceName))';

function params(r: EventRange) {
  return { from: String(Math.floor(r.fromMs)), until: String(Math.floor(r.untilMs)), services: r.services ?? [], envs: r.environments ?? [] };
}

export interface DeploymentRecord {
  ref: string;
  timeMs: number;
  service: string;
  team: string;
  environment: string;
  version: string;
  changes: string[];
}

/** Deployments (service.deployed / upgraded) in the range. */
export async function deploymentRecords(store: Store, r: EventRange): Promise<DeploymentRecord[]> {
  const rows = await store.query<Omit<DeploymentRecord, 'timeMs'> & { t: string }>(
    `SELECT concat(Source, '/', Id) AS ref, toString(toUnixTimestamp64Milli(Time)) AS t, ServiceName AS service, Team AS team,
        Environment AS environment, Version AS version, Changes AS changes
    FROM xops_deployments
    WHERE ${RANGE} AND ${SERVICES} AND ${ENVIRONMENTS} AND ServiceName != ''
    ORDER BY Time`,
    params(r),
  );
  return rows.map(({ t, ...row }) => ({ ...row, timeMs: Number(t) }));
}

export interface RollbackRecord {
  ref: string;
  timeMs: number;
  service: string;
}

export async function rollbackRecords(store: Store, r: EventRange): Promise<RollbackRecord[]> {
  const rows = await store.query<{ ref: string; t: string; service: string }>(
    `SELECT concat(Source, '/', Id) AS ref, toString(toUnixTimestamp64Milli(Time)) AS t, ServiceName AS service
    FROM xops_rollbacks WHERE ${RANGE} AND ${SERVICES} AND ${ENVIRONMENTS} ORDER BY Time`,
    params(r),
  );
  return rows.map((x) => ({ ref: x.ref, timeMs: Number(x.t), service: x.service }));
}

export interface MergeRecord {
  changeId: string;
  commit: string;
  timeMs: number;
  service: string;
}

export async function mergeRecords(store: Store, r: EventRange): Promise<MergeRecord[]> {
  const rows = await store.query<{ changeId: string; commit: string; t: string; service: string }>(
    `SELECT ChangeId AS changeId, Commit AS commit, toString(toUnixTimestamp64Milli(Time)) AS t, ServiceName AS service
    FROM xops_changes_merged WHERE ${RANGE} AND ${SERVICES} ORDER BY Time`,
    params(r),
  );
  return rows.map((x) => ({ changeId: x.changeId, commit: x.commit, timeMs: Number(x.t), service: x.service }));
}

export interface FailureIncidentRecord {
  /** `vigil/<IncidentId>` or `reported/<subject id>`. */
  ref: string;
  source: 'vigil' | 'reported';
  services: string[];
  startMs: number;
  /** 0 while unresolved as of `until`. */
  resolvedMs: number;
}

/** Incidents that started in the range: Vigil's (services and root service) and reported ones. */
export async function incidentRecords(store: Store, r: EventRange): Promise<FailureIncidentRecord[]> {
  const vigil = await store.query<{ id: string; services: string[]; s: string; e: string }>(
    `SELECT IncidentId AS id, arrayDistinct(arrayFilter(x -> x != '', arrayPushBack(Services, RootService))) AS services,
        toString(toUnixTimestamp64Milli(StartTime)) AS s,
        toString(if(toUnixTimestamp64Milli(ResolvedAt) > 0 AND ResolvedAt < fromUnixTimestamp64Milli({until:Int64}), toUnixTimestamp64Milli(ResolvedAt), 0)) AS e
    FROM incidents FINAL
    WHERE StartTime >= fromUnixTimestamp64Milli({from:Int64}) AND StartTime < fromUnixTimestamp64Milli({until:Int64})
      AND (length({services:Array(String)}) = 0 OR hasAny({services:Array(String)}, arrayPushBack(Services, RootService)))`,
    params(r),
  );
  // Reported incidents: detected/reported opens one (per subject id), resolved closes it.
  const reported = await store.query<{ id: string; service: string; s: string; e: string }>(
    `SELECT IncidentId AS id, any(ServiceName) AS service,
        toString(toUnixTimestamp64Milli(minIf(Time, Kind != 'resolved'))) AS s,
        toString(if(countIf(Kind = 'resolved') > 0, toUnixTimestamp64Milli(minIf(Time, Kind = 'resolved')), 0)) AS e
    FROM xops_incidents_reported
    WHERE Time < fromUnixTimestamp64Milli({until:Int64}) AND ${SERVICES} AND ${ENVIRONMENTS}
    GROUP BY IncidentId
    HAVING countIf(Kind != 'resolved') > 0
      AND minIf(Time, Kind != 'resolved') >= fromUnixTimestamp64Milli({from:Int64})`,
    params(r),
  );
  return [
    ...vigil.map((x) => ({ ref: `vigil/${x.id}`, source: 'vigil' as const, services: x.services, startMs: Number(x.s), resolvedMs: Number(x.e) })),
    ...reported.map((x) => ({ ref: `reported/${x.id}`, source: 'reported' as const, services: [x.service], startMs: Number(x.s), resolvedMs: Number(x.e) })),
  ].sort((a, b) => a.startMs - b.startMs);
}
