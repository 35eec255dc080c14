import { mkdirSync } from 'node:fs';
import { Session, type RawInsertFormat } from 'chdb';
import { VigilError } from '../api/errors.js';
import { storeError } from './store-error.js';
import type { InsertOptions, QueryOptions, QueryParams, RowInsertOptions, Settings, Store } from './store.js';

export type { RawInsertFormat } from 'chdb';

export interface RawResult {
  bytes: Buffer;
  readRows: number;
  readBytes: number;
  elapsedSeconds: number;
}

/**
 * The embedded Store: ClickHouse running inside this process through chDB.
 * Only chDB's async APIs are used, so queries and inserts run off the event loop.
 * chDB allows one engine per data directory per process.
 */
export class ChdbStore implements Store {
  readonly kind = 'chdb' as const;
  private readonly session: Session;
  private closed = false;
  /** Set while the leftovers of a failed query are being absorbed (see clearLeftovers). */
  private draining?: Promise<void>;

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    // Same JSON output as a ClickHouse server: 64-bit integers quoted, so both
    // adapters return identical rows and no UInt64/Int64 loses precision in JS.
    this.session = new Session(dataDir, { connectionArgs: ['--output_format_json_quote_64bit_integers=1'] });
  }

  async query<Row>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<Row[]> {
    const text = (await this.queryRaw(sql, 'JSONEachRow', params, options)).toString('utf8');
    return parseJsonEachRow<Row>(text);
  }

  async queryRaw(sql: string, format: string, params?: QueryParams, options?: QueryOptions): Promise<Buffer> {
    return (await this.run(sql, format, params, options)).bytes;
  }

  /** queryRaw with the engine's read counters (for the ClickHouse HTTP interface's summary header). */
  async run(sql: string, format: string, params?: QueryParams, options?: QueryOptions): Promise<RawResult> {
    const statement = withSettings(sql, options?.settings);
    const opts = { format, timeout: options?.timeoutMs };
    if (this.draining) await this.draining;
    try {
      const result = params && Object.keys(params).length > 0
        ? await this.session.queryBindAsync(statement, params, opts)
        : await this.session.queryAsync(statement, opts);
      const bytes = result.bytes();
      return {
        bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        readRows: result.rowsRead,
        readBytes: result.bytesRead,
        elapsedSeconds: result.elapsed,
      };
    } catch (err) {
      this.draining ??= this.clearLeftovers().finally(() => (this.draining = undefined));
      await this.draining;
      throw storeError(err);
    }
  }

  /**
   * chDB 3.4 keeps the output a query wrote before it failed (a JSON header, the rows of the
   * blocks already formatted: a timeout or a limit hit mid-stream) and prepends it to the next
   * result on the connection. A throwaway query absorbs it before any other query starts;
   * queries already running when the failure happened are not covered.
   */
  private async clearLeftovers(): Promise<void> {
    await this.session.queryAsync('SELECT 1', { format: 'TabSeparated' }).catch(() => undefined);
  }

  /**
   * Inserts an already-encoded body in one of chDB's raw insert formats, with any insert
   * settings (the ClickHouse HTTP interface's `INSERT … FORMAT F` with the rows as the body).
   */
  async insertRaw(table: string, body: Buffer, options: { format: RawInsertFormat; columns?: string[]; settings?: Settings }): Promise<{ writtenRows: number; writtenBytes: number }> {
    if (body.length === 0) return { writtenRows: 0, writtenBytes: 0 };
    try {
      const summary = await this.session.insert({ table, values: body, format: options.format, columns: options.columns, settings: options.settings });
      return { writtenRows: summary.rowsWritten, writtenBytes: summary.bytesWritten };
    } catch (err) {
      throw storeError(err);
    }
  }

  async exec(sql: string, params?: QueryParams, options?: QueryOptions): Promise<void> {
    await this.queryRaw(sql, 'TabSeparated', params, options);
  }

  async insertJsonEachRow(table: string, body: Buffer, options?: InsertOptions): Promise<void> {
    await this.insertRows(table, body, { ...options, format: 'JSONEachRow' });
  }

  async insertRows(table: string, body: Buffer, options: RowInsertOptions): Promise<void> {
    if (body.length === 0) return;
    if (options.format === 'JSONCompactEachRow' && !options.columns) throw new VigilError('INTERNAL', 'JSONCompactEachRow insert without its columns');
    const settings: Settings = {};
    if (options.dedupToken) settings.insert_deduplication_token = options.dedupToken;
    try {
      await this.session.insert({ table, values: body, format: options.format, columns: options.columns, settings });
    } catch (err) {
      throw storeError(err);
    }
  }

  async ping(): Promise<void> {
    await this.queryRaw('SELECT 1', 'TabSeparated');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.session.close();
  }
}

/** chDB takes per-query settings as a SETTINGS clause. */
function withSettings(sql: string, settings?: Settings): string {
  if (!settings || Object.keys(settings).length === 0) return sql;
  const clause = Object.entries(settings)
    .map(([k, v]) => {
      if (!/^[a-z_][a-z0-9_]*$/i.test(k)) throw new VigilError('INTERNAL', `invalid setting name ${k}`);
      return `${k} = ${typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : Number(v)}`;
    })
    .join(', ');
  return `${sql.replace(/;\s*$/, '')} SETTINGS ${clause}`;
}

export function parseJsonEachRow<Row>(text: string): Row[] {
  const rows: Row[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) rows.push(JSON.parse(text.slice(start, end)) as Row);
    start = end + 1;
  }
  return rows;
}
