export interface SchemaOptions {
  /** Days to keep telemetry; 0 keeps it forever. */
  ttlDays: number;
}

export interface Migration {
  version: number;
  name: string;
  /** Statements run in order; each must be idempotent (IF NOT EXISTS) so a half-applied migration can be re-run. */
  statements(options: SchemaOptions): string[];
}

/**
 * MergeTree settings shared by Vigil's tables. `non_replicated_deduplication_window`
 * makes `insert_deduplication_token` work on plain MergeTree (chDB and single servers),
 * so a retried batch is stored once.
 */
export const MERGE_TREE_SETTINGS = 'index_granularity = 8192, ttl_only_drop_parts = 1, non_replicated_deduplication_window = 1000';

export function ttlClause(column: string, options: SchemaOptions): string {
  return options.ttlDays > 0 ? `TTL ${column} + toIntervalDay(${Math.floor(options.ttlDays)})` : '';
}
