import type { Store } from '../store.js';

/**
 * Latency and error outliers of one service, a time range against a baseline range (like
 * ClickStack's event deltas or Coroot's heatmap comparison): which attribute values are
 * over-represented among the *selected* spans of the range — slow (at or above the
 * baseline's p95 duration) and/or failed — compared with all spans of the baseline.
 * Attributes: the span name, status code, every span attribute and every resource
 * attribute (`resource.<key>`).
 */
export interface CompareQuery {
  service: string;
  sinceMs: number;
  untilMs: number;
  baselineSinceMs: number;
  baselineUntilMs: number;
  select: 'slow' | 'errors' | 'both';
  /** Values kept, most over-represented first. */
  limit: number;
  /** A value must be on at least this share of the selected spans. */
  minShare: number;
}

export interface AttributeDelta {
  key: string;
  value: string;
  /** Selected spans of the range with this value, and their share of the selected spans. */
  selectedCount: number;
  selectedShare: number;
  baselineCount: number;
  baselineShare: number;
  /** selectedShare / baselineShare (a value absent from the baseline counts as one baseline span). */
  lift: number;
}

export interface Comparison {
  baselineP95Ms: number;
  spans: number;
  selected: number;
  slow: number;
  failed: number;
  baselineSpans: number;
  deltas: AttributeDelta[];
}

const ms = (x: number) => String(Math.floor(x));

export async function compareSpans(store: Store, q: CompareQuery): Promise<Comparison> {
  const params = {
    service: q.service,
    since: ms(q.sinceMs),
    until: ms(q.untilMs),
    bSince: ms(q.baselineSinceMs),
    bUntil: ms(q.baselineUntilMs),
  };
  const inTarget = 'Timestamp >= fromUnixTimestamp64Milli({since:Int64}) AND Timestamp < fromUnixTimestamp64Milli({until:Int64})';
  const inBaseline = 'Timestamp >= fromUnixTimestamp64Milli({bSince:Int64}) AND Timestamp < fromUnixTimestamp64Milli({bUntil:Int64})';
  const [base] = await store.query<{ p95: number; n: string }>(
    `SELECT quantile(0.95)(Duration) AS p95, toString(count()) AS n FROM otel_traces WHERE ServiceName = {service:String} AND ${inBaseline}`,
    params,
  );
  const p95Ns = Math.round(Number(base?.p95 ?? 0));
  const baselineSpans = Number(base?.n ?? 0);
  const selected = { slow: 'Duration >= {p95:UInt64}', errors: "StatusCode = 'Error'", both: "(Duration >= {p95:UInt64} OR StatusCode = 'Error')" }[q.select];
  const [totals] = await store.query<{ spans: string; selected: string; slow: string; failed: string }>(
    `SELECT toString(count()) AS spans, toString(countIf(${selected})) AS selected, toString(countIf(Duration >= {p95:UInt64})) AS slow, toString(countIf(StatusCode = 'Error')) AS failed
    FROM otel_traces WHERE ServiceName = {service:String} AND ${inTarget}`,
    { ...params, p95: String(p95Ns) },
  );
  const selectedTotal = Number(totals?.selected ?? 0);
  const result: Comparison = { baselineP95Ms: p95Ns / 1e6, spans: Number(totals?.spans ?? 0), selected: selectedTotal, slow: Number(totals?.slow ?? 0), failed: Number(totals?.failed ?? 0), baselineSpans, deltas: [] };
  if (selectedTotal === 0) return result;
  const rows = await store.query<{ key: string; value: string; sel: string; base: string }>(
    `SELECT kv.1 AS key, kv.2 AS value, toString(countIf(target)) AS sel, toString(countIf(NOT target)) AS base
    FROM (
        SELECT ${inTarget} AS target,
            arrayConcat([('span.name', SpanName), ('status.code', StatusCode)],
                arrayMap((k, v) -> (toString(k), v), mapKeys(SpanAttributes), mapValues(SpanAttributes)),
                arrayMap((k, v) -> (concat('resource.', toString(k)), v), mapKeys(ResourceAttributes), mapValues(ResourceAttributes))) AS pairs
        FROM otel_traces
        WHERE ServiceName = {service:String} AND ((${inTarget} AND ${selected}) OR (${inBaseline}))
    )
    ARRAY JOIN pairs AS kv
    WHERE kv.1 != 'resource.service.name'
    GROUP BY key, value
    HAVING countIf(target) >= greatest(2, {minSelected:UInt64})`,
    { ...params, p95: String(p95Ns), minSelected: String(Math.ceil(q.minShare * selectedTotal)) },
  );
  result.deltas = rows
    .map((r) => {
      const selectedCount = Number(r.sel);
      const baselineCount = Number(r.base);
      const selectedShare = selectedCount / selectedTotal;
      const baselineShare = baselineSpans > 0 ? baselineCount / baselineSpans : 0;
      const lift = selectedShare / Math.max(baselineShare, 1 / Math.max(1, baselineSpans));
      return { key: r.key, value: r.value, selectedCount, selectedShare, baselineCount, baselineShare, lift };
    })
    .filter((d) => d.selectedShare > d.baselineShare)
    .sort((a, b) => b.selectedShare - b.baselineShare - (a.selectedShare - a.baselineShare) || b.lift - a.lift || a.key.localeCompare(b.key))
    .slice(0, q.limit)
    .map((d) => ({ ...d, selectedShare: round3(d.selectedShare), baselineShare: round3(d.baselineShare), lift: round3(d.lift) }));
  return result;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
