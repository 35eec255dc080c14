import type { Store } from '../store.js';

/**
 * Named, parameterised read queries over the telemetry tables. Every user value is a
 * `{name:Type}` binding; nothing is spliced into SQL text.
 */

/** Nanoseconds since the epoch as a decimal string, and ISO-8601 UTC text, for a DateTime64(9) column. */
const nanoAndIso = (col: string, alias: string) =>
  `toString(toUnixTimestamp64Nano(${col})) AS ${alias}UnixNano, formatDateTime(${col}, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS ${alias}`;

export interface Stats {
  logs: number;
  spans: number;
  metricPoints: number;
  events: number;
}

/** Exact committed row counts (events are counted once per source + id). */
export async function stats(store: Store): Promise<Stats> {
  const [row] = await store.query<Record<string, string>>(`SELECT
    (SELECT count() FROM otel_logs) AS logs,
    (SELECT count() FROM otel_traces) AS spans,
    (SELECT count() FROM otel_metrics_gauge) + (SELECT count() FROM otel_metrics_sum)
      + (SELECT count() FROM otel_metrics_histogram) + (SELECT count() FROM otel_metrics_exponential_histogram)
      + (SELECT count() FROM otel_metrics_summary) AS metricPoints,
    (SELECT uniqExact(Source, Id) FROM events) AS events`);
  return { logs: Number(row.logs), spans: Number(row.spans), metricPoints: Number(row.metricPoints), events: Number(row.events) };
}

export interface ServiceSummary {
  name: string;
  lastSeen: string;
  logs: number;
  spans: number;
  metricPoints: number;
  events: number;
}

/** Services seen in any signal, from the per-minute rollups (last seen at minute precision). */
export async function services(store: Store, range: { sinceSec: number; untilSec: number }): Promise<ServiceSummary[]> {
  const rows = await store.query<Record<string, string>>(
    `SELECT ServiceName AS name, formatDateTime(max(Minute), '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS lastSeen,
        sum(logs) AS logs, sum(spans) AS spans, sum(points) AS metricPoints, sum(evts) AS events
    FROM (
        SELECT ServiceName, Minute, sum(Count) AS logs, 0 AS spans, 0 AS points, 0 AS evts FROM logs_per_minute
        WHERE Minute BETWEEN toDateTime({since:UInt32}) AND toDateTime({until:UInt32}) GROUP BY ServiceName, Minute
        UNION ALL
        SELECT ServiceName, Minute, 0, sum(Calls), 0, 0 FROM span_red_per_minute
        WHERE Minute BETWEEN toDateTime({since:UInt32}) AND toDateTime({until:UInt32}) GROUP BY ServiceName, Minute
        UNION ALL
        SELECT ServiceName, Minute, 0, 0, sum(Points), 0 FROM metric_points_per_minute
        WHERE Minute BETWEEN toDateTime({since:UInt32}) AND toDateTime({until:UInt32}) GROUP BY ServiceName, Minute
        UNION ALL
        SELECT ServiceName, toStartOfMinute(toDateTime(Time)) AS Minute, 0, 0, 0, uniqExact(Source, Id) FROM events
        WHERE ServiceName != '' AND Time BETWEEN toDateTime64({since:UInt32}, 9) AND toDateTime64({until:UInt32}, 9) GROUP BY ServiceName, Minute
    )
    GROUP BY name ORDER BY name`,
    { since: range.sinceSec, until: range.untilSec },
  );
  return rows.map((r) => ({
    name: r.name,
    lastSeen: r.lastSeen,
    logs: Number(r.logs),
    spans: Number(r.spans),
    metricPoints: Number(r.metricPoints),
    events: Number(r.events),
  }));
}

export interface LogSearch {
  service?: string;
  sinceNs: bigint;
  untilNs: bigint;
  /** Case-insensitive substring of the body. */
  q?: string;
  severity?: string;
  /** A template id: rows of this pattern, including rows stored under its former ids. */
  template?: string;
  limit: number;
}

export async function searchLogs(store: Store, search: LogSearch): Promise<Record<string, unknown>[]> {
  const where = ['Timestamp >= fromUnixTimestamp64Nano({since:Int64})', 'Timestamp < fromUnixTimestamp64Nano({until:Int64})'];
  if (search.service !== undefined) where.push('ServiceName = {service:String}');
  if (search.q) where.push('positionCaseInsensitiveUTF8(Body, {q:String}) > 0');
  if (search.severity) where.push('SeverityText = {severity:String}');
  if (search.template) {
    where.push('(TemplateId = {template:String} OR TemplateId IN (SELECT FromId FROM log_template_merges WHERE ToId = {template:String}))');
  }
  return store.query(
    `SELECT ${nanoAndIso('Timestamp', 'timestamp')}, ServiceName AS service, SeverityText AS severityText,
        SeverityNumber AS severityNumber, Body AS body, TraceId AS traceId, SpanId AS spanId,
        TemplateId AS templateId, LogAttributes AS attributes, ResourceAttributes AS resource
    FROM otel_logs WHERE ${where.join(' AND ')}
    ORDER BY Timestamp DESC LIMIT {limit:UInt32}`,
    {
      since: search.sinceNs.toString(),
      until: search.untilNs.toString(),
      service: search.service,
      q: search.q,
      severity: search.severity,
      template: search.template,
      limit: search.limit,
    },
  );
}

export async function traceById(store: Store, traceId: string): Promise<Record<string, unknown>[]> {
  return store.query(
    `SELECT ${nanoAndIso('Timestamp', 'start')}, TraceId AS traceId, SpanId AS spanId, ParentSpanId AS parentSpanId,
        SpanName AS name, SpanKind AS kind, ServiceName AS service, toString(Duration) AS durationNs,
        StatusCode AS statusCode, StatusMessage AS statusMessage, SpanAttributes AS attributes,
        ResourceAttributes AS resource, ScopeName AS scopeName,
        arrayMap((t, n, a) -> map('timeUnixNano', toString(toUnixTimestamp64Nano(t)), 'name', n, 'attributes', toJSONString(a)),
            Events.Timestamp, Events.Name, Events.Attributes) AS events
    FROM otel_traces WHERE TraceId = {traceId:String}
    ORDER BY Timestamp, SpanId`,
    { traceId },
  );
}

export interface MetricSeriesQuery {
  name: string;
  service?: string;
  sinceNs: bigint;
  untilNs: bigint;
  stepSec: number;
}

export interface MetricSeries {
  attributes: Record<string, string>;
  service: string;
  type: string;
  points: Array<[timeSec: number, value: number]>;
}

/**
 * A metric's series over a range, one value per step: gauges averaged, sums as
 * their value (cumulative counters are the client's to difference), histograms as
 * the mean (Sum / Count).
 */
export async function metricSeries(store: Store, q: MetricSeriesQuery): Promise<MetricSeries[]> {
  const filter = `MetricName = {name:String}${q.service !== undefined ? ' AND ServiceName = {service:String}' : ''}
        AND TimeUnix >= fromUnixTimestamp64Nano({since:Int64}) AND TimeUnix < fromUnixTimestamp64Nano({until:Int64})`;
  const rows = await store.query<{ service: string; type: string; attributes: Record<string, string>; t: number[]; v: number[] }>(
    `SELECT service, type, attributes, groupArray(t) AS t, groupArray(v) AS v FROM (
        SELECT ServiceName AS service, type, Attributes AS attributes,
            toUnixTimestamp(toStartOfInterval(TimeUnix, toIntervalSecond({step:UInt32}))) AS t, avg(val) AS v
        FROM (
            SELECT ServiceName, Attributes, TimeUnix, Value AS val, 'gauge' AS type FROM otel_metrics_gauge WHERE ${filter}
            UNION ALL
            SELECT ServiceName, Attributes, TimeUnix, Value, 'sum' FROM otel_metrics_sum WHERE ${filter}
            UNION ALL
            SELECT ServiceName, Attributes, TimeUnix, if(Count = 0, nan, Sum / Count), 'histogram' FROM otel_metrics_histogram WHERE ${filter}
        )
        GROUP BY service, type, attributes, t ORDER BY t
    ) GROUP BY service, type, attributes ORDER BY service, type LIMIT 1000`,
    { name: q.name, service: q.service, since: q.sinceNs.toString(), until: q.untilNs.toString(), step: q.stepSec },
  );
  return rows.map((r) => ({
    service: r.service,
    type: r.type,
    attributes: r.attributes,
    points: r.t.map((t, i) => [Number(t), Number(r.v[i])] as [number, number]),
  }));
}
