import type { Store } from '../store.js';

/**
 * What cost reports read: cost records (`xops_costs`, migration 009) summed per day and per
 * group. A record's day is its charge period's start (FOCUS ChargePeriodStart), else the
 * event's time. The service is the record's `tags.service` (the event's ServiceName).
 */
export const COST_GROUPS = ['service', 'team', 'provider', 'cloudService'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];

const GROUP_COLUMN: Record<CostGroup, string> = { service: 'ServiceName', team: 'Team', provider: 'Provider', cloudService: 'CloudService' };
const DAY = `toDate(ifNull(parseDateTime64BestEffortOrNull(PeriodStart, 3, 'UTC'), Time), 'UTC')`;

export interface DailyCost {
  /** Midnight UTC of the day, ms. */
  dayMs: number;
  key: string;
  currency: string;
  cost: number;
  records: number;
}

export async function dailyCosts(store: Store, q: { fromMs: number; untilMs: number; groupBy: CostGroup; keys?: readonly string[] }): Promise<DailyCost[]> {
  // The group column comes from a closed list (GROUP_COLUMN), never from the request.
  const column = GROUP_COLUMN[q.groupBy];
  const rows = await store.query<{ day: string; key: string; currency: string; cost: number; records: string }>(
    `SELECT toString(toUnixTimestamp(toDateTime(Day, 'UTC')) * 1000) AS day, ${column} AS key, Currency AS currency, sum(Cost) AS cost, toString(count()) AS records
    FROM (SELECT *, ${DAY} AS Day FROM xops_costs)
    WHERE Day >= toDate(fromUnixTimestamp64Milli({from:Int64}), 'UTC') AND Day < toDate(fromUnixTimestamp64Milli({until:Int64}), 'UTC')
      AND (length({keys:Array(String)}) = 0 OR has({keys:Array(String)}, ${column}))
    GROUP BY Day, key, currency
    ORDER BY Day, key, currency`,
    { from: String(Math.floor(q.fromMs)), until: String(Math.floor(q.untilMs)), keys: q.keys ?? [] },
  );
  return rows.map((r) => ({ dayMs: Number(r.day), key: r.key, currency: r.currency, cost: r.cost, records: Number(r.records) }));
}
