import { randomUUID, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { QueryParams, RawInsertFormat, RawResult, Settings } from '../../analytics/index.js';
import { authenticationFailed, badArguments, ClickHouseHttpError, fromEngineError, fromSandboxError, readonlyMode, unknownDatabase, unknownFormat } from './errors.js';
import { decodeParams } from './params.js';
import { readRequest, type ClickHouseRequest } from './request.js';
import { classify, splitInsertBody } from './statement.js';

/** What the interface executes on: the embedded engine (ChdbStore implements it). */
export interface ClickHouseHttpEngine {
  run(sql: string, format: string, params?: QueryParams, options?: { settings?: Settings }): Promise<RawResult>;
  insertRaw(table: string, body: Buffer, options: { format: RawInsertFormat; columns?: string[]; settings?: Settings }): Promise<{ writtenRows: number; writtenBytes: number }>;
}

/**
 * Read-only access for everyone else: the SQL sandbox, for callers it admits (a token with the
 * analyst role as the password, any user name; anyone when auth is off).
 */
export interface SandboxAccess {
  admits(user: string | undefined, password: string | undefined): boolean;
  run(sql: string, format: string, params: QueryParams, settings: Settings): Promise<{ bytes: Buffer }>;
}

export interface ClickHouseHttpOptions {
  engine: ClickHouseHttpEngine;
  /** User `vigil` with this token has full access (writes, DDL). */
  internalToken: string;
  /** Everyone else: the sandbox, when given; without it nobody else gets in. */
  sandbox?: SandboxAccess;
  /** The one database this node serves (requests may name it, `default`, or none). */
  database: string;
  /** Reported in error bodies, like a server's version. */
  version?: string;
}

export const INTERNAL_USER = 'vigil';

const INSERT_FORMATS = new Set<string>(['JSONEachRow', 'JSONCompactEachRow', 'CSV', 'CSVWithNames', 'TSV', 'TabSeparated', 'TSVWithNames', 'TabSeparatedWithNames']);
const CONTENT_TYPES: Record<string, string> = {
  JSON: 'application/json; charset=UTF-8',
  JSONCompact: 'application/json; charset=UTF-8',
  JSONEachRow: 'application/x-ndjson; charset=UTF-8',
  CSV: 'text/csv; charset=UTF-8; header=absent',
  TabSeparated: 'text/tab-separated-values; charset=UTF-8',
};
const gzipAsync = promisify(gzip);

/**
 * The subset of ClickHouse's HTTP interface that `@clickhouse/client` and similar clients use,
 * served from the embedded engine: the query in the URL (`?query=`) or the body (or multipart),
 * `param_<name>` bindings, ClickHouse settings as URL parameters, `default_format` or a
 * `FORMAT` clause, `INSERT … FORMAT F` with the rows as the body, `/ping`, gzip both ways, and
 * errors as ClickHouse sends them. Register it on its own server (it owns every path and body).
 */
export async function clickhouseHttp(app: FastifyInstance, options: ClickHouseHttpOptions): Promise<void> {
  const version = options.version ?? 'vigil';
  const token = Buffer.from(options.internalToken, 'utf8');

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.get('/ping', async (_request, reply) => reply.type('text/plain; charset=UTF-8').send('Ok.\n'));

  const handle = async (request: { url: string; headers: Record<string, string | string[] | undefined>; body?: unknown }, reply: FastifyReply) => {
    const queryId = new URL(request.url, 'http://localhost').searchParams.get('query_id') ?? randomUUID();
    reply.header('x-clickhouse-query-id', queryId).header('x-clickhouse-server-display-name', 'vigil');
    try {
      if (request.url === '/' && !(request.body instanceof Buffer && request.body.length > 0)) {
        return reply.type('text/plain; charset=UTF-8').send('Ok.\n');
      }
      const req = await readRequest({ url: request.url, headers: request.headers, body: request.body as Buffer | undefined });
      const internal = isInternal(req, token);
      if (!internal && !options.sandbox?.admits(req.user, req.password)) {
        throw authenticationFailed(`${req.user ?? 'default'}: Authentication failed: password is incorrect, or there is no user with such name`);
      }
      if (req.database && req.database !== options.database && req.database !== 'default') {
        throw unknownDatabase(`Database ${req.database} does not exist: this node serves ${options.database}`);
      }
      const out = internal ? await execute(options.engine, req) : await executeSandboxed(options.sandbox!, req);
      reply.header('x-clickhouse-summary', JSON.stringify(out.summary));
      if (out.format) reply.header('x-clickhouse-format', out.format);
      reply.type(CONTENT_TYPES[out.format ?? ''] ?? 'text/plain; charset=UTF-8');
      if (req.compressResponse && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) && out.bytes.length > 0) {
        return reply.header('content-encoding', 'gzip').send(await gzipAsync(out.bytes));
      }
      return reply.send(out.bytes);
    } catch (err) {
      const error = fromEngineError(err);
      return reply
        .code(error.status)
        .header('x-clickhouse-exception-code', String(error.code))
        .type('text/plain; charset=UTF-8')
        .send(error.body(version));
    }
  };
  app.get('/', (request, reply) => handle(request, reply));
  app.post('/', (request, reply) => handle(request, reply));
}

function isInternal(req: ClickHouseRequest, token: Buffer): boolean {
  const given = Buffer.from(req.password ?? '', 'utf8');
  return req.user === INTERNAL_USER && given.length === token.length && token.length > 0 && timingSafeEqual(given, token);
}

interface Executed {
  bytes: Buffer;
  format?: string;
  summary: Record<string, string>;
}

async function execute(engine: ClickHouseHttpEngine, req: ClickHouseRequest): Promise<Executed> {
  let sql = req.sql;
  let data = req.data;
  if (!data) {
    const split = splitInsertBody(Buffer.from(sql, 'utf8'));
    if (split && split.data.length > 0) ({ sql, data } = split);
  }
  const statement = classify(sql);
  if (statement.kind === 'insert') {
    if (!INSERT_FORMATS.has(statement.format)) throw unknownFormat(`Format ${statement.format} is not accepted for inserts by this node`);
    const settings: Settings = { ...req.settings, ...statement.settings };
    const written = await engine.insertRaw(statement.table, data ?? Buffer.alloc(0), {
      format: statement.format as RawInsertFormat,
      columns: statement.columns,
      settings: Object.keys(settings).length > 0 ? settings : undefined,
    });
    return { bytes: Buffer.alloc(0), summary: summary(0, 0, written.writtenRows, written.writtenBytes, 0) };
  }
  if (data && data.length > 0) throw badArguments('Data was sent with a statement that is not INSERT … FORMAT');
  const format = statement.format ?? req.defaultFormat ?? 'TabSeparated';
  const hasSettings = Object.keys(req.settings).length > 0;
  let params: QueryParams | undefined;
  try {
    params = req.params.size > 0 ? decodeParams(statement.sql, req.params) : undefined;
  } catch (err) {
    throw badArguments(`cannot read a query parameter: ${(err as Error).message}`);
  }
  // A SETTINGS clause after DDL would set table settings, not query settings: those are not applied.
  const result = await engine.run(statement.sql, format, params, { settings: hasSettings && statement.acceptsSettings ? req.settings : undefined });
  return { bytes: result.bytes, format, summary: summary(result.readRows, result.readBytes, 0, 0, result.elapsedSeconds) };
}

/** A sandboxed caller: reads only, through the SQL sandbox's checks and limits. */
async function executeSandboxed(sandbox: SandboxAccess, req: ClickHouseRequest): Promise<Executed> {
  let sql = req.sql;
  if (req.data === undefined && splitInsertBody(Buffer.from(sql, 'utf8'))) sql = sql.split('\n')[0];
  const statement = classify(sql);
  if (statement.kind === 'insert' || (req.data && req.data.length > 0)) throw readonlyMode('Cannot execute query in readonly mode: this user may only read (the SQL sandbox)');
  const format = statement.format ?? req.defaultFormat ?? 'TabSeparated';
  let params: QueryParams = {};
  try {
    if (req.params.size > 0) params = decodeParams(statement.sql, req.params);
  } catch (err) {
    throw badArguments(`cannot read a query parameter: ${(err as Error).message}`);
  }
  try {
    const result = await sandbox.run(statement.sql, format, params, req.settings);
    return { bytes: result.bytes, format, summary: summary(0, 0, 0, 0, 0) };
  } catch (err) {
    throw fromSandboxError(err);
  }
}

function summary(readRows: number, readBytes: number, writtenRows: number, writtenBytes: number, elapsedSeconds: number): Record<string, string> {
  return {
    read_rows: String(readRows),
    read_bytes: String(readBytes),
    written_rows: String(writtenRows),
    written_bytes: String(writtenBytes),
    total_rows_to_read: '0',
    result_rows: String(writtenRows),
    result_bytes: String(writtenBytes),
    elapsed_ns: String(Math.round(elapsedSeconds * 1e9)),
  };
}

export { ClickHouseHttpError };
