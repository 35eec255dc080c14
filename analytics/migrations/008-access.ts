import { MERGE_TREE_SETTINGS, type Migration } from './types.js';

/**
 * Access control: API tokens (only a SHA-256 of each secret is stored), when each was last
 * used, and the audit log of admin and sre actions. None of these tables is on the SQL
 * sandbox's allowlist.
 */
export const access: Migration = {
  version: 8,
  name: 'access',
  statements: () => [
    // One row per change (created, revoked); readers take the latest Version per Id.
    `CREATE TABLE IF NOT EXISTS api_tokens (
    Id String,
    Name String,
    Roles Array(LowCardinality(String)),
    Hash String,
    CreatedAt DateTime64(3),
    CreatedBy String,
    Revoked UInt8,
    RevokedAt DateTime64(3),
    RevokedBy String,
    Version DateTime64(3)
) ENGINE = ReplacingMergeTree(Version)
ORDER BY Id
SETTINGS ${MERGE_TREE_SETTINGS}`,
    // Kept apart from api_tokens so a busy token's use never races a revocation row.
    `CREATE TABLE IF NOT EXISTS api_token_usage (
    Id String,
    LastUsedAt DateTime64(3)
) ENGINE = ReplacingMergeTree(LastUsedAt)
ORDER BY Id
SETTINGS ${MERGE_TREE_SETTINGS}`,
    // Kept forever: an audit trail outlives the telemetry TTL.
    `CREATE TABLE IF NOT EXISTS audit_log (
    Time DateTime64(3),
    ActorId String,
    ActorName String,
    ActorRoles Array(LowCardinality(String)),
    Action LowCardinality(String),
    Target String,
    Result LowCardinality(String),
    SourceIp String,
    Detail String CODEC(ZSTD(1))
) ENGINE = MergeTree
PARTITION BY toYYYYMM(Time)
ORDER BY Time
SETTINGS ${MERGE_TREE_SETTINGS}`,
  ],
};
