import { MERGE_TREE_SETTINGS, ttlClause, type Migration } from './types.js';

/**
 * The notifier's delivery log, which is also its outbox: a row is written as `pending`
 * (with the incident message, so a restart can resume it) before anything is sent, and
 * rewritten with the outcome. One row per (incident, version, channel): the id is that
 * triple, so a redelivered transition finds its row and is not sent again.
 */
export const notifications: Migration = {
  version: 7,
  name: 'notifications',
  statements: (options) => [
    // ReplacingMergeTree on the id: pending → delivered|failed|refused rewrite one delivery;
    // readers take the latest version (LIMIT 1 BY) until merges fold them.
    `CREATE TABLE IF NOT EXISTS notifications (
    NotificationId String,
    IncidentId String,
    Fingerprint String,
    Channel LowCardinality(String),
    ChannelType LowCardinality(String),
    Transition LowCardinality(String),
    Action LowCardinality(String),
    IncidentVersion UInt32,
    Status LowCardinality(String),
    Attempts UInt16,
    HttpStatus UInt16,
    Error String CODEC(ZSTD(1)),
    Message String CODEC(ZSTD(3)),
    TransitionAt DateTime64(3),
    CreatedAt DateTime64(3) CODEC(Delta, ZSTD(1)),
    DeliveredAt DateTime64(3),
    LatencyMs UInt32,
    UpdatedAt DateTime64(3)
) ENGINE = ReplacingMergeTree(UpdatedAt)
PARTITION BY toYYYYMM(CreatedAt)
ORDER BY NotificationId
${ttlClause('toDateTime(CreatedAt)', options)}
SETTINGS ${MERGE_TREE_SETTINGS}`,
    `ALTER TABLE notifications ADD INDEX IF NOT EXISTS idx_incident IncidentId TYPE bloom_filter GRANULARITY 4`,
  ],
};
