import { MERGE_TREE_SETTINGS, ttlClause, type Migration } from './types.js';

/**
 * Log patterns: every stored log row carries the id of its template (an added column;
 * the Collector's columns are untouched), template texts and samples live in
 * `log_templates`, and a per-minute rollup counts rows by service, template and severity.
 */
export const logTemplates: Migration = {
  version: 5,
  name: 'log-templates',
  statements: (options) => [
    `ALTER TABLE otel_logs ADD COLUMN IF NOT EXISTS TemplateId LowCardinality(String) DEFAULT '' CODEC(ZSTD(1))`,
    `ALTER TABLE otel_logs ADD INDEX IF NOT EXISTS idx_template_id TemplateId TYPE set(1024) GRANULARITY 4`,
    // One row per template per flush; merged by id: the first time seen, the latest text
    // (a template can generalise), summed counts and a few samples.
    `CREATE TABLE IF NOT EXISTS log_templates (
    TemplateId String,
    Template SimpleAggregateFunction(anyLast, String),
    FirstSeen SimpleAggregateFunction(min, DateTime64(9)),
    LastSeen SimpleAggregateFunction(max, DateTime64(9)),
    Count SimpleAggregateFunction(sum, UInt64),
    Samples SimpleAggregateFunction(groupUniqArrayArray(5), Array(String)),
    Services SimpleAggregateFunction(groupUniqArrayArray(64), Array(String)),
    MaxSeverityNumber SimpleAggregateFunction(max, UInt8)
) ENGINE = AggregatingMergeTree
ORDER BY TemplateId
SETTINGS ${MERGE_TREE_SETTINGS}`,
    // Ids a template had before it generalised, so rows stored under an old id still resolve.
    `CREATE TABLE IF NOT EXISTS log_template_merges (
    FromId String,
    ToId String,
    MergedAt DateTime64(3) DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(MergedAt)
ORDER BY FromId
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE TABLE IF NOT EXISTS log_templates_per_minute (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String),
    TemplateId LowCardinality(String),
    SeverityText LowCardinality(String),
    SeverityNumber UInt8,
    Count UInt64
) ENGINE = SummingMergeTree(Count)
PARTITION BY toDate(Minute)
ORDER BY (ServiceName, TemplateId, SeverityText, SeverityNumber, Minute)
${ttlClause('Minute', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `CREATE MATERIALIZED VIEW IF NOT EXISTS log_templates_per_minute_mv TO log_templates_per_minute AS
SELECT toStartOfMinute(TimestampTime) AS Minute, ServiceName, TemplateId, SeverityText, SeverityNumber, count() AS Count
FROM otel_logs
WHERE TemplateId != ''
GROUP BY Minute, ServiceName, TemplateId, SeverityText, SeverityNumber`,
    // The miner's learned state, so template ids stay stable across restarts.
    `CREATE TABLE IF NOT EXISTS log_miner_state (
    Name String,
    Snapshot String CODEC(ZSTD(3)),
    SavedAt DateTime64(3) DEFAULT now64(3)
) ENGINE = ReplacingMergeTree(SavedAt)
ORDER BY Name
SETTINGS ${MERGE_TREE_SETTINGS}`,
  ],
};
