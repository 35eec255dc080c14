import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { VigilError } from '../api/errors.js';
import { parseJsonEachRow } from './chdb-store.js';
import { storeError } from './store-error.js';
import type { InsertOptions, QueryOptions, QueryParams, RowInsertOptions, Settings, Store } from './store.js';

export interface ClickHouseStoreOptions {
  url: string;
  username: string;
  password: string;
  database: string;
  requestTimeoutMs: number;
}

/** The distributed Store: a ClickHouse server (or cluster) over HTTP via @clickhouse/client. */
export class ClickHouseStore implements Store {
  readonly kind = 'clickhouse' as const;
  private readonly client: ClickHouseClient;

  constructor(readonly options: ClickHouseStoreOptions) {
    this.client = createClient({
      url: options.url,
      username: options.username,
      password: options.password,
      database: options.database,
      request_timeout: options.requestTimeoutMs,
    });
  }

  /** Creates the configured database when it does not exist (connects without selecting it). */
  static async ensureDatabase(options: ClickHouseStoreOptions): Promise<void> {
    const admin = createClient({ url: options.url, username: options.username, password: options.password });
    try {
      await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${quoteIdent(options.database)}` });
    } catch (err) {
      throw storeError(err);
    } finally {
      await admin.close();
    }
  }

  async query<Row>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]> {
    const text = (await this.queryRaw(sql, 'JSONEachRow', params, options)).toString('utf8');
    return parseJsonEachRow<Row>(text);
  }

  async queryRaw(sql: string, format: string, params?: QueryParams, options?: QueryOptions): Promise<Buffer> {
    try {
      const result = await this.client.exec({
        query: `${sql.replace(/;\s*$/, '')} FORMAT ${format}`,
        query_params: params,
        clickhouse_settings: options?.settings as Settings,
        abort_signal: options?.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of result.stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    } catch (err) {
      throw storeError(err);
    }
  }

  async exec(sql: string, params?: QueryParams, options?: QueryOptions): Promise<void> {
    try {
      await this.client.command({ query: sql, query_params: params, clickhouse_settings: options?.settings as Settings });
    } catch (err) {
      throw storeError(err);
    }
  }

  async insertJsonEachRow(table: string, body: Buffer, options?: InsertOptions): Promise<void> {
    await this.insertRows(table, body, { ...options, format: 'JSONEachRow' });
  }

  async insertRows(table: string, body: Buffer, options: RowInsertOptions): Promise<void> {
    if (body.length === 0) return;
    if (!IDENTIFIER.test(table)) throw new VigilError('INTERNAL', `invalid table name ${table}`);
    const columns = options.columns ?? [];
    if (options.format === 'JSONCompactEachRow' && columns.length === 0) throw new VigilError('INTERNAL', 'JSONCompactEachRow insert without its columns');
    for (const c of columns) if (!IDENTIFIER.test(c)) throw new VigilError('INTERNAL', `invalid column name ${c}`);
    const columnList = columns.length > 0 ? ` (${columns.join(', ')})` : '';
    try {
      // exec sends the bytes as they are; insert() would JSON-encode each chunk of a stream as a row.
      const result = await this.client.exec({
        query: `INSERT INTO ${table}${columnList} FORMAT ${options.format === 'JSONCompactEachRow' ? 'JSONCompactEachRow' : 'JSONEachRow'}`,
        values: Readable.from([body], { objectMode: false }),
        clickhouse_settings: options.dedupToken ? { insert_deduplication_token: options.dedupToken } : undefined,
      });
      for await (const _ of result.stream) void _;
    } catch (err) {
      throw storeError(err);
    }
  }

  async ping(): Promise<void> {
    const result = await this.client.ping();
    if (!result.success) throw storeError(result.error);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Table and column names spliced into an INSERT: plain identifiers only. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new VigilError('CONFIG_INVALID', `store.database: invalid name "${name}"`);
  return `\`${name}\``;
}
