import type { Store } from '../store.js';

/**
 * What capacity forecasts read: a service's gauge and sum metrics from the per-minute rollup
 * (migration 003), as one value per step — per minute, each series' mean, summed over the
 * service's series (three pods' memory is the service's memory), then averaged over the step.
 * A metric named `<metric>.limit` is read the same way: it is the limit of `<metric>`.
 */
export interface MetricStepPoint {
  metric: string;
  timeMs: number;
  value: number;
}

export async function metricSteps(
  store: Store,
  q: { service: string; fromMs: number; untilMs: number; stepSeconds: number; metrics?: readonly string[] },
): Promise<MetricStepPoint[]> {
  const rows = await store.query<{ metric: string; t: string; value: number }>(
    `SELECT MetricName AS metric, toString(toUnixTimestamp(Bucket) * 1000) AS t, avg(Total) AS value
    FROM (
      SELECT MetricName, Minute, toStartOfInterval(Minute, toIntervalSecond({step:UInt32})) AS Bucket, sum(Mean) AS Total
      FROM (
        SELECT MetricName, Minute, SeriesHash, sum(ValueSum) / sum(Points) AS Mean
        FROM metric_points_per_minute
        WHERE ServiceName = {service:String} AND MetricType IN ('gauge', 'sum')
          AND Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({until:Int64}, 1000))
          AND (length({metrics:Array(String)}) = 0 OR has({metrics:Array(String)}, MetricName) OR has({metrics:Array(String)}, replaceRegexpOne(MetricName, '\\\\.limit$', '')))
        GROUP BY MetricName, Minute, SeriesHash
      )
      GROUP BY MetricName, Minute
    )
    GROUP BY metric, Bucket
    ORDER BY metric, Bucket`,
    { service: q.service, from: String(Math.floor(q.fromMs)), until: String(Math.floor(q.untilMs)), step: q.stepSeconds, metrics: q.metrics ?? [] },
  );
  return rows.map((r) => ({ metric: r.metric, timeMs: Number(r.t), value: r.value }));
}

/** Services that reported gauge or sum metrics in the range (the capacity page's picker). */
export async function metricServices(store: Store, q: { fromMs: number; untilMs: number }): Promise<string[]> {
  const rows = await store.query<{ service: string }>(
    `SELECT DISTINCT ServiceName AS service FROM metric_points_per_minute
    WHERE MetricType IN ('gauge', 'sum') AND Minute >= toDateTime(intDiv({from:Int64}, 1000)) AND Minute < toDateTime(intDiv({until:Int64}, 1000))
    ORDER BY service`,
    { from: String(Math.floor(q.fromMs)), until: String(Math.floor(q.untilMs)) },
  );
  return rows.map((r) => r.service);
}
