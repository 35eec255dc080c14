import { MERGE_TREE_SETTINGS, ttlClause, type Migration } from './types.js';

/**
 * Per-minute rollups, maintained by materialized views as rows are inserted, so the
 * detectors, the service map and the UI read minutes instead of raw rows. Minutes are
 * event time (the data's own timestamps), never the wall clock.
 */
export const rollups: Migration = {
  version: 3,
  name: 'per-minute-rollups',
  statements: (options) => [
    // Log counts per minute by service and severity.
    `CREATE TABLE IF NOT EXISTS logs_per_minute (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String),
    SeverityText LowCardinality(String),
    SeverityNumber UInt8,
    Count UInt64
) ENGINE = SummingMergeTree(Count)
PARTITION BY toDate(Minute)
ORDER BY (ServiceName, SeverityText, SeverityNumber, Minute)
${ttlClause('Minute', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS logs_per_minute_mv TO logs_per_minute AS
SELECT toStartOfMinute(TimestampTime) AS Minute, ServiceName, SeverityText, SeverityNumber, count() AS Count
FROM otel_logs
GROUP BY Minute, ServiceName, SeverityText, SeverityNumber`,

    // Span RED per minute by service and span name: rate, errors, duration quantiles.
    `CREATE TABLE IF NOT EXISTS span_red_per_minute (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String),
    SpanName LowCardinality(String),
    SpanKind LowCardinality(String),
    Calls SimpleAggregateFunction(sum, UInt64),
    Errors SimpleAggregateFunction(sum, UInt64),
    DurationSumNs SimpleAggregateFunction(sum, Float64),
    DurationQuantiles AggregateFunction(quantilesTDigest(0.5, 0.95, 0.99), UInt64)
) ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (ServiceName, SpanName, SpanKind, Minute)
${ttlClause('Minute', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS span_red_per_minute_mv TO span_red_per_minute AS
SELECT toStartOfMinute(toDateTime(Timestamp)) AS Minute, ServiceName, SpanName, SpanKind,
    toUInt64(count()) AS Calls,
    toUInt64(countIf(StatusCode = 'Error')) AS Errors,
    sum(toFloat64(Duration)) AS DurationSumNs,
    quantilesTDigestState(0.5, 0.95, 0.99)(Duration) AS DurationQuantiles
FROM otel_traces
GROUP BY Minute, ServiceName, SpanName, SpanKind`,

    // A slim span index (trace → span → service) so call edges can be joined across batches.
    `CREATE TABLE IF NOT EXISTS otel_traces_span_index (
    TraceId String CODEC(ZSTD(1)),
    SpanId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    ServiceName LowCardinality(String),
    SpanKind LowCardinality(String),
    Timestamp DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    Duration UInt64,
    IsError UInt8
) ENGINE = MergeTree
PARTITION BY toDate(Timestamp)
ORDER BY (TraceId, SpanId)
${ttlClause('toDateTime(Timestamp)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS otel_traces_span_index_mv TO otel_traces_span_index AS
SELECT TraceId, SpanId, ParentSpanId, ServiceName, SpanKind, Timestamp, Duration, toUInt8(StatusCode = 'Error') AS IsError
FROM otel_traces`,

    // Service-to-service call edges: one row per cross-service parent → child span pair.
    // Parents often arrive after their children (a parent ends last), so each insert
    // re-derives the edges of every trace it touches from the block plus the index;
    // the ReplacingMergeTree key makes the result independent of arrival order.
    `CREATE TABLE IF NOT EXISTS service_call_edges (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Caller LowCardinality(String),
    Callee LowCardinality(String),
    TraceId String CODEC(ZSTD(1)),
    ChildSpanId String CODEC(ZSTD(1)),
    DurationNs UInt64,
    IsError UInt8
) ENGINE = ReplacingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (Caller, Callee, Minute, TraceId, ChildSpanId)
${ttlClause('Minute', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS service_call_edges_mv TO service_call_edges AS
WITH block AS (
    SELECT TraceId, SpanId, ParentSpanId, ServiceName, Timestamp, Duration, toUInt8(StatusCode = 'Error') AS IsError FROM otel_traces
),
spans AS (
    SELECT * FROM block
    UNION ALL
    SELECT TraceId, SpanId, ParentSpanId, ServiceName, Timestamp, Duration, IsError
    FROM otel_traces_span_index WHERE TraceId IN (SELECT TraceId FROM block)
)
SELECT toStartOfMinute(toDateTime(child.Timestamp)) AS Minute, parent.ServiceName AS Caller, child.ServiceName AS Callee,
    child.TraceId AS TraceId, child.SpanId AS ChildSpanId, child.Duration AS DurationNs, child.IsError AS IsError
FROM spans AS child
INNER JOIN spans AS parent ON child.TraceId = parent.TraceId AND child.ParentSpanId = parent.SpanId
WHERE child.ServiceName != parent.ServiceName AND child.ParentSpanId != ''`,

    // Metric points per minute by metric, service and series (attributes hash).
    `CREATE TABLE IF NOT EXISTS metric_points_per_minute (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String),
    MetricName LowCardinality(String),
    MetricType LowCardinality(String),
    SeriesHash UInt64,
    Attributes SimpleAggregateFunction(any, Map(String, String)),
    Points SimpleAggregateFunction(sum, UInt64),
    ValueSum SimpleAggregateFunction(sum, Float64),
    ValueMin SimpleAggregateFunction(min, Float64),
    ValueMax SimpleAggregateFunction(max, Float64),
    ValueLast AggregateFunction(argMax, Float64, DateTime64(9))
) ENGINE = AggregatingMergeTree
PARTITION BY toDate(Minute)
ORDER BY (ServiceName, MetricName, MetricType, SeriesHash, Minute)
${ttlClause('Minute', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    ...(['gauge', 'sum'] as const).map((type) => `CREATE MATERIALIZED VIEW IF NOT EXISTS metric_points_per_minute_${type}_mv TO metric_points_per_minute AS
SELECT toStartOfMinute(toDateTime(TimeUnix)) AS Minute, ServiceName, MetricName, '${type}' AS MetricType,
    cityHash64(src.Attributes) AS SeriesHash, any(src.Attributes) AS Attributes, toUInt64(count()) AS Points,
    sum(Value) AS ValueSum, min(Value) AS ValueMin, max(Value) AS ValueMax, argMaxState(Value, TimeUnix) AS ValueLast
FROM otel_metrics_${type} AS src
GROUP BY Minute, ServiceName, MetricName, SeriesHash`),
    `CREATE MATERIALIZED VIEW IF NOT EXISTS metric_points_per_minute_histogram_mv TO metric_points_per_minute AS
SELECT toStartOfMinute(toDateTime(TimeUnix)) AS Minute, ServiceName, MetricName, 'histogram' AS MetricType,
    cityHash64(src.Attributes) AS SeriesHash, any(src.Attributes) AS Attributes, toUInt64(count()) AS Points,
    sum(Sum) AS ValueSum, min(Min) AS ValueMin, max(Max) AS ValueMax, argMaxState(if(Count = 0, 0, Sum / Count), TimeUnix) AS ValueLast
FROM otel_metrics_histogram AS src
GROUP BY Minute, ServiceName, MetricName, SeriesHash`,
  ],
};
