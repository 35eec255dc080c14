import { MERGE_TREE_SETTINGS, type Migration } from './types.js';

/**
 * Chaos drills: one row per drill, rewritten as it runs (status, then the scored report).
 * Kept without TTL: the drill history is the evidence SREs show their auditors.
 */
export const drills: Migration = {
  version: 10,
  name: 'drills',
  statements: () => [
    `CREATE TABLE IF NOT EXISTS drills (
    DrillId String,
    Name String,
    Status LowCardinality(String),
    TargetKind LowCardinality(String),
    Spec String CODEC(ZSTD(3)),
    RequestedBy String,
    ApprovedBy String,
    StartedAt DateTime64(3),
    EndedAt DateTime64(3),
    Score Float64,
    Passed UInt8,
    Report String CODEC(ZSTD(3)),
    UpdatedAt DateTime64(3)
) ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY DrillId
SETTINGS ${MERGE_TREE_SETTINGS}`,
  ],
};
