import { MERGE_TREE_SETTINGS, ttlClause, type Migration } from './types.js';

/**
 * CloudEvents from every engineering practice. A CloudEvent is identified by
 * source + id, so the table replaces on that key: a re-sent event is stored once
 * (queries that need exact counts read it with FINAL).
 */
export const events: Migration = {
  version: 2,
  name: 'cloudevents-table',
  statements: (options) => [
    `CREATE TABLE IF NOT EXISTS events (
    Time DateTime64(9) CODEC(Delta(8), ZSTD(1)),
    Id String CODEC(ZSTD(1)),
    Source LowCardinality(String) CODEC(ZSTD(1)),
    Type LowCardinality(String) CODEC(ZSTD(1)),
    SpecVersion LowCardinality(String),
    Subject String CODEC(ZSTD(1)),
    DataContentType LowCardinality(String),
    DataSchema String CODEC(ZSTD(1)),
    Data String CODEC(ZSTD(3)),
    Extensions Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    Practice LowCardinality(String),
    ServiceName LowCardinality(String),
    INDEX idx_type Type TYPE set(256) GRANULARITY 1,
    INDEX idx_service ServiceName TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_time Time TYPE minmax GRANULARITY 1
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(Time)
ORDER BY (Source, Id)
${ttlClause('toDateTime(Time)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
  ],
};
