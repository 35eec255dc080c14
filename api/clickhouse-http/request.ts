import { gunzip, inflate, brotliDecompress } from 'node:zlib';
import { promisify } from 'node:util';
import { badArguments } from './errors.js';
import { lz4FrameDecompress } from './lz4.js';

/** Everything a ClickHouse HTTP request carries, from the URL, the headers and the body. */
export interface ClickHouseRequest {
  /** The statement (URL `query`, multipart `query` part, or the body). */
  sql: string;
  /** Insert data: the body when the statement came in the URL, or what follows it in the body. */
  data?: Buffer;
  params: Map<string, string>;
  settings: Record<string, string>;
  database?: string;
  queryId?: string;
  defaultFormat?: string;
  /** The client asked for a compressed response (`enable_http_compression=1`). */
  compressResponse: boolean;
  user?: string;
  password?: string;
}

/** URL parameters that are part of the protocol, not ClickHouse settings. */
const PROTOCOL_PARAMS = new Set([
  'query', 'database', 'query_id', 'default_format', 'user', 'password', 'quota_key', 'role',
  'session_id', 'session_timeout', 'session_check', 'compress', 'decompress', 'buffer_size',
  'wait_end_of_query', 'enable_http_compression', 'http_zlib_compression_level',
  'send_progress_in_http_headers', 'http_headers_progress_interval_ms', 'add_http_cors_header',
  'default_format', 'stacktrace', 'http_wait_end_of_query', 'http_response_buffer_size',
]);

/** Bodies past this after decompression are refused (an lz4 bomb would otherwise inflate unchecked). */
const MAX_DECOMPRESSED_BYTES = 1024 * 1024 * 1024;

const decompressors: Record<string, (b: Buffer) => Promise<Buffer>> = {
  lz4: async (b) => lz4FrameDecompress(b, MAX_DECOMPRESSED_BYTES),
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

export async function readRequest(input: {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
}): Promise<ClickHouseRequest> {
  const search = new URL(input.url, 'http://localhost').searchParams;
  const header = (name: string) => {
    const v = input.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  let body = input.body ?? Buffer.alloc(0);
  const encoding = header('content-encoding')?.trim().toLowerCase();
  if (encoding && encoding !== 'identity' && body.length > 0) {
    const decompress = decompressors[encoding];
    if (!decompress) throw badArguments(`unsupported Content-Encoding ${encoding}`);
    try {
      body = await decompress(body);
    } catch (err) {
      throw badArguments(`cannot decompress the body (${encoding}): ${(err as Error).message}`);
    }
  }

  const params = new Map<string, string>();
  const settings: Record<string, string> = {};
  for (const [key, value] of search) {
    if (key.startsWith('param_')) params.set(key.slice(6), value);
    else if (!PROTOCOL_PARAMS.has(key)) settings[key] = value;
  }

  let sql = search.get('query') ?? undefined;
  let data: Buffer | undefined;
  const contentType = header('content-type') ?? '';
  if (contentType.startsWith('multipart/form-data')) {
    const parts = parseMultipart(body, contentType);
    for (const [name, value] of parts) {
      if (name === 'query') sql = (sql ? `${sql}\n` : '') + value;
      else if (name.startsWith('param_')) params.set(name.slice(6), value);
    }
  } else if (sql !== undefined) {
    data = body.length > 0 ? body : undefined;
  } else {
    sql = body.toString('utf8');
  }
  if (!sql || sql.trim() === '') throw badArguments('Empty query');

  const auth = basicAuth(header('authorization'));
  return {
    sql,
    data,
    params,
    settings,
    database: search.get('database') ?? header('x-clickhouse-database') ?? undefined,
    queryId: search.get('query_id') ?? undefined,
    defaultFormat: search.get('default_format') ?? header('x-clickhouse-format') ?? undefined,
    compressResponse: search.get('enable_http_compression') === '1',
    user: header('x-clickhouse-user') ?? auth?.user ?? search.get('user') ?? undefined,
    password: header('x-clickhouse-key') ?? auth?.password ?? search.get('password') ?? undefined,
  };
}

function basicAuth(value: string | undefined): { user: string; password: string } | undefined {
  const m = value ? /^Basic\s+(.+)$/i.exec(value.trim()) : null;
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? { user: decoded, password: '' } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** multipart/form-data with text parts only (the client's `query` and `param_*` parts). */
function parseMultipart(body: Buffer, contentType: string): Map<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary) throw badArguments('multipart body without a boundary');
  const delimiter = `--${boundary[1] ?? boundary[2].trim()}`;
  const parts = new Map<string, string>();
  for (const chunk of body.toString('utf8').split(delimiter).slice(1)) {
    if (chunk.startsWith('--')) break;
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const name = /name="([^"]+)"/i.exec(chunk.slice(0, headerEnd));
    if (!name) continue;
    parts.set(name[1], chunk.slice(headerEnd + 4).replace(/\r\n$/, ''));
  }
  return parts;
}
