import type { Store } from '../store.js';
import { ENVIRONMENTS } from './xops-sql.js';

/**
 * The state of the system at a moment `at` (event time, ms) as change risk sees it, read
 * only from what had happened before `at`: the same queries answer "now" for the API and
 * "just before that deployment" for the backtest.
 */

const ms = (t: number) => String(Math.floor(t));

/**
 * Incidents open at `at`: started in the `lookbackMs` before it and not resolved by then
 * (Vigil's, and reported ones in `environments` — all when empty).
 */
export async function openIncidentsAt(store: Store, at: number, lookbackMs: number, environments: readonly string[] = []): Promise<Array<{ ref: string; services: string[] }>> {
  const p = { at: ms(at), from: ms(at - lookbackMs), envs: environments };
  const vigil = await store.query<{ id: string; services: string[] }>(
    `SELECT IncidentId AS id, arrayDistinct(arrayFilter(x -> x != '', arrayPushBack(Services, RootService))) AS services
    FROM incidents FINAL
    WHERE StartTime >= fromUnixTimestamp64Milli({from:Int64}) AND StartTime < fromUnixTimestamp64Milli({at:Int64})
      AND (toUnixTimestamp64Milli(ResolvedAt) = 0 OR ResolvedAt >= fromUnixTimestamp64Milli({at:Int64}))`,
    p,
  );
  const reported = await store.query<{ id: string; service: string }>(
    `SELECT IncidentId AS id, any(ServiceName) AS service
    FROM xops_incidents_reported
    WHERE Time >= fromUnixTimestamp64Milli({from:Int64}) AND Time < fromUnixTimestamp64Milli({at:Int64}) AND ${ENVIRONMENTS}
    GROUP BY IncidentId
    HAVING countIf(Kind != 'resolved') > 0 AND countIf(Kind = 'resolved') = 0`,
    p,
  );
  return [...vigil.map((x) => ({ ref: `vigil/${x.id}`, services: x.services })), ...reported.map((x) => ({ ref: `reported/${x.id}`, services: [x.service] }))];
}

/**
 * Anomalies active at `at`, counted per service: started at or before it and, in their
 * latest version, still open or anomalous within `graceMs` before it (an anomaly's end is
 * its last anomalous point; one that closed before `at` was not active then).
 */
export async function activeAnomaliesAt(store: Store, at: number, lookbackMs: number, graceMs: number): Promise<Array<{ service: string; count: number }>> {
  const rows = await store.query<{ service: string; n: string }>(
    `SELECT ServiceName AS service, toString(count()) AS n
    FROM (
        SELECT ServiceName, EndTime, Status FROM anomalies
        WHERE StartTime >= fromUnixTimestamp64Milli({from:Int64}) AND StartTime <= fromUnixTimestamp64Milli({at:Int64})
        ORDER BY AnomalyId, UpdatedAt DESC LIMIT 1 BY AnomalyId
    )
    WHERE (Status = 'open' OR EndTime >= fromUnixTimestamp64Milli({since:Int64})) AND ServiceName != ''
    GROUP BY ServiceName`,
    { at: ms(at), from: ms(at - lookbackMs), since: ms(at - graceMs) },
  );
  return rows.map((r) => ({ service: r.service, count: Number(r.n) }));
}

/** Service-to-service call edges seen in [at - lookback, at), from the rollup. */
export async function callEdgesBefore(store: Store, at: number, lookbackMs: number): Promise<Array<{ caller: string; callee: string }>> {
  return store.query<{ caller: string; callee: string }>(
    `SELECT DISTINCT Caller AS caller, Callee AS callee FROM service_call_edges
    WHERE Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({at:Int64}, 1000))`,
    { at: ms(at), from: ms(at - lookbackMs) },
  );
}

/** Security findings of a service still unresolved at `at` (latest status per finding), counted by severity. */
export async function openFindingsAt(store: Store, service: string, at: number): Promise<Record<string, number>> {
  const rows = await store.query<{ severity: string; n: string }>(
    `SELECT severity, toString(count()) AS n FROM (
        SELECT FindingId, argMax(Severity, Time) AS severity, argMax(Status, Time) AS status
        FROM xops_security_findings
        WHERE ServiceName = {service:String} AND Time < fromUnixTimestamp64Milli({at:Int64})
        GROUP BY FindingId
    ) WHERE status = 'open' GROUP BY severity`,
    { service, at: ms(at) },
  );
  return Object.fromEntries(rows.map((r) => [r.severity, Number(r.n)]));
}

/** Span calls and errors of a service in [at - window, at), from the RED rollup. */
export async function spanErrorsBefore(store: Store, service: string, at: number, windowMs: number): Promise<{ calls: number; errors: number }> {
  const [row] = await store.query<{ calls: string; errors: string }>(
    `SELECT toString(sum(Calls)) AS calls, toString(sum(Errors)) AS errors FROM span_red_per_minute
    WHERE ServiceName = {service:String}
      AND Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({at:Int64}, 1000))`,
    { service, at: ms(at), from: ms(at - windowMs) },
  );
  return { calls: Number(row?.calls ?? 0), errors: Number(row?.errors ?? 0) };
}

/**
 * A service's span calls per hour of the week (UTC; 0 = Monday 00:00) over the `lookbackMs`
 * before `at`: the traffic shape a planned change is timed against.
 */
export async function weeklyTrafficBefore(store: Store, service: string, at: number, lookbackMs: number): Promise<Map<number, number>> {
  const rows = await store.query<{ h: number; calls: string }>(
    `SELECT (toDayOfWeek(Minute, 0, 'UTC') - 1) * 24 + toHour(Minute, 'UTC') AS h, toString(sum(Calls)) AS calls FROM span_red_per_minute
    WHERE ServiceName = {service:String}
      AND Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({at:Int64}, 1000))
    GROUP BY h`,
    { service, at: ms(at), from: ms(at - lookbackMs) },
  );
  return new Map(rows.map((r) => [Number(r.h), Number(r.calls)]));
}
