import type { Store } from '../store.js';

/**
 * The service map over a time range: services and the peers they call, with rate, errors
 * and latency, from the per-minute rollups. Instrumented calls come from
 * `service_call_edges` (a parent span in one service, its child in another); calls to
 * peers that send no spans (databases, caches, queues, external APIs) from
 * `service_peer_calls`, minus those whose callee did answer with a span of its own.
 */
export type MapNodeKind = 'service' | 'database' | 'cache' | 'queue' | 'external';

export interface MapEdge {
  caller: string;
  callee: string;
  calleeKind: MapNodeKind;
  calls: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  /** For a peer without spans: the caller's client span names that reach it (at most 16). */
  spanNames?: string[];
}

export interface MapNode {
  name: string;
  kind: MapNodeKind;
  /** Entry spans (server, consumer) when the service has any, else all its spans; for a peer, the calls it received. */
  calls: number;
  errors: number;
  p95Ms: number;
}

const range = (r: { sinceMs: number; untilMs: number }) => ({ since: String(Math.floor(r.sinceMs)), until: String(Math.floor(r.untilMs)) });
const MINUTES = `Minute >= toStartOfMinute(fromUnixTimestamp64Milli({since:Int64})) AND Minute < fromUnixTimestamp64Milli({until:Int64})`;

export async function serviceEdges(store: Store, r: { sinceMs: number; untilMs: number }): Promise<MapEdge[]> {
  const rows = await store.query<{ caller: string; callee: string; calls: string; errors: string; q: number[] }>(
    `SELECT Caller AS caller, Callee AS callee, toString(count()) AS calls, toString(sum(IsError)) AS errors, quantiles(0.5, 0.95)(DurationNs) AS q
    FROM service_call_edges FINAL WHERE ${MINUTES}
    GROUP BY Caller, Callee ORDER BY Caller, Callee`,
    range(r),
  );
  return rows.map((e) => ({ caller: e.caller, callee: e.callee, calleeKind: 'service', calls: Number(e.calls), errors: Number(e.errors), p50Ms: Number(e.q[0]) / 1e6, p95Ms: Number(e.q[1]) / 1e6 }));
}

/**
 * Calls to peers that sent no span of their own. A caller → callee edge is left out when
 * its callee is a service's name, or when most of a sample of its calls (up to
 * PROBE_CALLS, looked up by trace id, the span index's key) have a child span: then an
 * instrumented service answered, and its own edge already shows the call.
 */
const PROBE_CALLS = 64;

export async function peerEdges(store: Store, r: { sinceMs: number; untilMs: number }): Promise<MapEdge[]> {
  const rows = await store.query<{ caller: string; callee: string; kind: string; calls: string; errors: string; q: number[]; names: string[] }>(
    `WITH peer AS (SELECT * FROM service_peer_calls FINAL WHERE ${MINUTES}),
    probe AS (SELECT Caller, Callee, TraceId, SpanId FROM peer LIMIT ${PROBE_CALLS} BY Caller, Callee),
    answered AS (
        SELECT TraceId, ParentSpanId FROM otel_traces_span_index
        WHERE TraceId IN (SELECT TraceId FROM probe)
          AND Timestamp >= fromUnixTimestamp64Milli({since:Int64}) - INTERVAL 1 MINUTE AND Timestamp < fromUnixTimestamp64Milli({until:Int64}) + INTERVAL 1 MINUTE
    ),
    instrumented AS (
        SELECT Caller, Callee FROM probe
        GROUP BY Caller, Callee
        HAVING countIf((TraceId, SpanId) IN (SELECT TraceId, ParentSpanId FROM answered)) * 2 > count()
    )
    SELECT Caller AS caller, Callee AS callee, any(CalleeKind) AS kind, toString(count()) AS calls, toString(sum(IsError)) AS errors,
        quantiles(0.5, 0.95)(DurationNs) AS q, groupUniqArray(16)(SpanName) AS names
    FROM peer
    WHERE Callee NOT IN (SELECT DISTINCT ServiceName FROM span_red_per_minute WHERE ${MINUTES})
      AND (Caller, Callee) NOT IN (SELECT Caller, Callee FROM instrumented)
    GROUP BY Caller, Callee ORDER BY Caller, Callee`,
    range(r),
  );
  return rows.map((e) => ({
    caller: e.caller,
    callee: e.callee,
    calleeKind: e.kind as MapNodeKind,
    calls: Number(e.calls),
    errors: Number(e.errors),
    p50Ms: Number(e.q[0]) / 1e6,
    p95Ms: Number(e.q[1]) / 1e6,
    spanNames: e.names.slice().sort(),
  }));
}

/** Per service: entry-span (server, consumer) and all-span calls, errors and p95, from the RED rollup. */
export async function serviceNodes(store: Store, r: { sinceMs: number; untilMs: number }): Promise<MapNode[]> {
  const rows = await store.query<{ name: string; calls: string; errors: string; entryCalls: string; entryErrors: string; q: number[]; entryQ: number[] }>(
    `SELECT ServiceName AS name, toString(sum(Calls)) AS calls, toString(sum(Errors)) AS errors,
        toString(sumIf(Calls, SpanKind IN ('Server', 'Consumer'))) AS entryCalls, toString(sumIf(Errors, SpanKind IN ('Server', 'Consumer'))) AS entryErrors,
        quantilesTDigestMerge(0.5, 0.95, 0.99)(DurationQuantiles) AS q,
        quantilesTDigestMergeIf(0.5, 0.95, 0.99)(DurationQuantiles, SpanKind IN ('Server', 'Consumer')) AS entryQ
    FROM span_red_per_minute WHERE ${MINUTES}
    GROUP BY ServiceName ORDER BY ServiceName`,
    range(r),
  );
  return rows.map((n) => {
    const entry = Number(n.entryCalls) > 0;
    return {
      name: n.name,
      kind: 'service',
      calls: Number(entry ? n.entryCalls : n.calls),
      errors: Number(entry ? n.entryErrors : n.errors),
      p95Ms: Number((entry ? n.entryQ : n.q)[1] ?? 0) / 1e6,
    };
  });
}

export interface ServiceMap {
  nodes: MapNode[];
  edges: MapEdge[];
}

export async function serviceMap(store: Store, r: { sinceMs: number; untilMs: number }): Promise<ServiceMap> {
  const [services, edges, peers] = await Promise.all([serviceNodes(store, r), serviceEdges(store, r), peerEdges(store, r)]);
  const nodes = new Map(services.map((n) => [n.name, n]));
  for (const e of [...edges, ...peers]) if (!nodes.has(e.caller)) nodes.set(e.caller, { name: e.caller, kind: 'service', calls: 0, errors: 0, p95Ms: 0 });
  for (const e of peers) {
    const node = nodes.get(e.callee) ?? { name: e.callee, kind: e.calleeKind, calls: 0, errors: 0, p95Ms: 0 };
    node.p95Ms = Math.max(node.p95Ms, e.p95Ms); // the slowest caller's view bounds the peer's p95
    node.calls += e.calls;
    node.errors += e.errors;
    nodes.set(e.callee, node);
  }
  return { nodes: [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name)), edges: [...edges, ...peers] };
}
