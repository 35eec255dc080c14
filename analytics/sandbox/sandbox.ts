import { VigilError, type ErrorCode } from '../../api/errors.js';
import type { QueryParams, Settings, Store } from '../store.js';
import { SANDBOX_FORMATS } from './allowlist.js';
import { parseExplainAst } from './explain-ast.js';
import { checkStatement, SandboxRefusal, type StatementKind } from './policy.js';

export interface SandboxLimits {
  maxExecutionSeconds: number;
  maxResultRows: number;
  maxResultBytes: number;
  maxMemoryBytes: number;
}

export interface SandboxResult {
  bytes: Buffer;
  kind: StatementKind;
}

/** Settings a client may send (output shape only); anything else is refused, limits above all. */
const CLIENT_SETTINGS = /^(?:output_format_\w+|date_time_output_format|date_time_input_format|session_timezone|extremes|join_use_nulls|max_block_size|cancel_http_readonly_queries_on_client_close)$/;
/** How long the list of existing tables is trusted (it only changes when Vigil migrates). */
const TABLES_TTL_MS = 10_000;

/**
 * The read-only SQL sandbox over a Store. A statement is formatted by the engine (one
 * statement, comments gone), parsed by the engine (`EXPLAIN AST`, with the parameters bound
 * as they will be), checked against the allowlist, and only then run: the engine's
 * formatting of it, with the server's limits and `readonly = 1` as settings the query cannot
 * override (it may carry no SETTINGS of its own). Works the same on chDB and a ClickHouse server.
 */
export class SqlSandbox {
  private database?: string;
  private tables?: { names: Set<string>; atMs: number };

  constructor(
    private readonly store: Store,
    private readonly limits: SandboxLimits,
  ) {}

  /** The settings every sandbox query runs with. */
  limitSettings(): Settings {
    return {
      readonly: 1,
      max_execution_time: this.limits.maxExecutionSeconds,
      timeout_overflow_mode: 'throw',
      max_result_rows: this.limits.maxResultRows,
      max_result_bytes: this.limits.maxResultBytes,
      result_overflow_mode: 'throw',
      max_memory_usage: this.limits.maxMemoryBytes,
      allow_introspection_functions: 0,
    };
  }

  /** Checks a statement and returns the text that will run, or throws SQL_FORBIDDEN / SQL_INVALID. */
  async prepare(sql: string, params: QueryParams = {}): Promise<{ sql: string; kind: StatementKind }> {
    const canonical = await this.format(sql);
    const ast = await this.guard(() => this.store.queryRaw(`EXPLAIN AST ${canonical}`, 'TabSeparatedRaw', params));
    let roots;
    try {
      roots = parseExplainAst(ast.toString('utf8'));
    } catch (err) {
      throw new VigilError('SQL_FORBIDDEN', `the statement could not be analysed: ${(err as Error).message}`);
    }
    try {
      const kind = checkStatement(roots, canonical, { database: await this.currentDatabase(), existingTables: await this.existingTables() });
      return { sql: canonical, kind };
    } catch (err) {
      if (err instanceof SandboxRefusal) throw new VigilError('SQL_FORBIDDEN', err.message);
      throw err;
    }
  }

  /** Checks, then runs a statement; the result is the engine's bytes in `format`. */
  async run(sql: string, format: string, params: QueryParams = {}, clientSettings: Settings = {}): Promise<SandboxResult> {
    if (!SANDBOX_FORMATS.test(format)) throw new VigilError('SQL_FORBIDDEN', `format ${format} is not accepted`);
    const settings = { ...this.checkClientSettings(clientSettings), ...this.limitSettings() };
    const prepared = await this.prepare(sql, params);
    const bytes = await this.guard(() =>
      // The engine enforces max_execution_time; the client-side timeout only bounds a hung call.
      this.store.queryRaw(prepared.sql, format, params, { settings, timeoutMs: (this.limits.maxExecutionSeconds + 10) * 1000 }),
    );
    // max_result_bytes measures blocks in memory, where a constant column is one value; the
    // bytes sent are what the limit promises (memory on the way is bounded by max_memory_usage).
    if (bytes.length > this.limits.maxResultBytes) {
      throw new VigilError('SQL_RESULT_TOO_LARGE', `the result is ${bytes.length} bytes, more than the limit of ${this.limits.maxResultBytes} (sql.maxResultBytes); aggregate or add a LIMIT`);
    }
    return { bytes, kind: prepared.kind };
  }

  private checkClientSettings(settings: Settings): Settings {
    const limits = this.limitSettings();
    for (const name of Object.keys(settings)) {
      if (name in limits) throw new VigilError('SQL_FORBIDDEN', `setting ${name} is set by the server for sandbox queries`);
      if (!CLIENT_SETTINGS.test(name)) throw new VigilError('SQL_FORBIDDEN', `setting ${name} is not accepted in the sandbox (output format settings only)`);
    }
    return settings;
  }

  private async format(sql: string): Promise<string> {
    if (sql.trim() === '') throw new VigilError('SQL_INVALID', 'query is empty');
    const [row] = await this.guard(() => this.store.query<{ q: string }>('SELECT formatQuerySingleLine({sql:String}) AS q', { sql }));
    return row.q;
  }

  private async currentDatabase(): Promise<string> {
    this.database ??= (await this.store.query<{ db: string }>('SELECT currentDatabase() AS db'))[0].db;
    return this.database;
  }

  private async existingTables(): Promise<Set<string>> {
    if (!this.tables || Date.now() - this.tables.atMs > TABLES_TTL_MS) {
      const rows = await this.store.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()');
      this.tables = { names: new Set(rows.map((r) => r.name)), atMs: Date.now() };
    }
    return this.tables.names;
  }

  /** Runs an engine call, turning its errors into the sandbox's codes. */
  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw sandboxError(err);
    }
  }
}

/** ClickHouse error code → the sandbox's error code (src/Common/ErrorCodes.cpp). */
const ENGINE_CODES: Record<number, ErrorCode> = {
  159: 'SQL_TIMEOUT', // TIMEOUT_EXCEEDED
  396: 'SQL_RESULT_TOO_LARGE', // TOO_MANY_ROWS_OR_BYTES
  241: 'SQL_MEMORY_LIMIT', // MEMORY_LIMIT_EXCEEDED
  164: 'SQL_FORBIDDEN', // READONLY
  497: 'SQL_FORBIDDEN', // ACCESS_DENIED
  446: 'SQL_FORBIDDEN', // FUNCTION_NOT_ALLOWED (introspection)
};
/** Codes that mean the engine or the connection failed, not the query. */
const UNAVAILABLE_CODES = new Set([209, 210, 394, 425, 999, 1000, 1001, 1002]);

/** The engine's error as SQL_* (the query's fault) or STORE_UNAVAILABLE (the engine's). */
export function sandboxError(err: unknown): VigilError {
  if (err instanceof VigilError && !err.cause) return err;
  const cause = err instanceof VigilError ? err.cause : err;
  const text = cause instanceof Error ? cause.message : String(cause);
  const codeText = (cause as { code?: unknown })?.code;
  const code = typeof codeText === 'string' && /^\d+$/.test(codeText) ? Number(codeText) : Number(/Code: (\d+)\./.exec(text)?.[1] ?? NaN);
  if (!Number.isFinite(code) || UNAVAILABLE_CODES.has(code)) return err instanceof VigilError ? err : new VigilError('STORE_UNAVAILABLE', `store: ${text.split('\n')[0]}`, { cause });
  const message = engineMessage(text);
  if (/Multi-statements are not allowed/.test(message)) return new VigilError('SQL_FORBIDDEN', 'one statement per request', { cause });
  return new VigilError(ENGINE_CODES[code] ?? 'SQL_INVALID', message, { cause });
}

/** `Code: 62. DB::Exception: Syntax error: … In scope SELECT formatQuerySingleLine(…). (SYNTAX_ERROR) (version …)` → the reason alone. */
function engineMessage(text: string): string {
  let message = text.split('\n')[0].replace(/^store: /, '');
  // A nested exception repeats the prefix and suffix once per level.
  while (/^Code: \d+\. DB::Exception: /.test(message)) message = message.replace(/^Code: \d+\. DB::Exception: /, '');
  while (/(?:\.? \([A-Z0-9_]+\))?(?: \(version [^)]*\))\.?$/.test(message)) message = message.replace(/(?:\.? \([A-Z0-9_]+\))?(?: \(version [^)]*\))\.?$/, '');
  message = message
    .replace(/\.? \([A-Z0-9_]+\)$/, '')
    .replace(/: In scope SELECT formatQuerySingleLine\([\s\S]*$/, '')
    .replace(/ SETTINGS readonly = 1, .*?allow_introspection_functions = 0/g, '');
  return message.trim();
}
