import { MERGE_TREE_SETTINGS, type Migration } from './types.js';

/**
 * Silences: a service's pages are held back until a time (set from chat with `/vigil silence`).
 * Replacing on the id, so ending a silence early is writing it again with an earlier end.
 */
export const silences: Migration = {
  version: 12,
  name: 'silences',
  statements: () => [
    `CREATE TABLE IF NOT EXISTS silences (
    SilenceId String,
    ServiceName LowCardinality(String),
    StartsAt DateTime64(3),
    EndsAt DateTime64(3),
    CreatedBy String,
    Reason String,
    Source LowCardinality(String),
    UpdatedAt DateTime64(3)
) ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY SilenceId
SETTINGS ${MERGE_TREE_SETTINGS}`,
  ],
};
