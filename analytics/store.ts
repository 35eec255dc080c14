/**
 * The Store port: one ClickHouse SQL dialect, two adapters (chDB in-process,
 * ClickHouse server over HTTP). Everything above this port is adapter-agnostic.
 */
export type QueryParams = Record<string, unknown>;
export type Settings = Record<string, string | number | boolean>;

export interface QueryOptions {
  /** ClickHouse settings for this query (e.g. limits for user queries). */
  settings?: Settings;
  /** Abort waiting after this long; the error is STORE_UNAVAILABLE. */
  timeoutMs?: number;
}

export interface InsertOptions {
  /**
   * Idempotency: a retried insert with the same token is dropped by the engine
   * (`insert_deduplication_token`; tables set `non_replicated_deduplication_window`).
   */
  dedupToken?: string;
}

/** The JSON row formats an ingest batch may come in (JSONCompactEachRow needs its column list). */
export type JsonRowFormat = 'JSONEachRow' | 'JSONCompactEachRow';

export interface RowInsertOptions extends InsertOptions {
  format: JsonRowFormat;
  /** The columns of each row, in order (required for JSONCompactEachRow; the others take their defaults). */
  columns?: readonly string[];
}

export interface Store {
  readonly kind: 'chdb' | 'clickhouse';
  /** Runs a read query with `{name:Type}` bindings and returns its rows (JSONEachRow). */
  query<Row = Record<string, unknown>>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]>;
  /** Runs a query and returns the raw bytes in the requested ClickHouse output format. */
  queryRaw(sql: string, format: string, params?: QueryParams, options?: QueryOptions): Promise<Buffer>;
  /** Runs a statement (DDL, INSERT … SELECT) that returns no rows. */
  exec(sql: string, params?: QueryParams, options?: QueryOptions): Promise<void>;
  /** Inserts rows already encoded as JSONEachRow (one JSON object per line). */
  insertJsonEachRow(table: string, body: Buffer, options?: InsertOptions): Promise<void>;
  /** Inserts rows already encoded one per line in a JSON row format (the ingest writer's path). */
  insertRows(table: string, body: Buffer, options: RowInsertOptions): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
