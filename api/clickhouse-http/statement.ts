/**
 * What the ClickHouse HTTP interface has to know about a statement without parsing SQL:
 * its trailing `FORMAT` clause (the output format, or the format of inserted data) and
 * whether it is an `INSERT … FORMAT F` whose rows follow as data.
 */
export interface InsertWithData {
  kind: 'insert';
  table: string;
  columns?: string[];
  format: string;
  settings: Record<string, string>;
}

export interface OtherStatement {
  kind: 'query';
  /** The statement without its FORMAT clause. */
  sql: string;
  /** The FORMAT clause's format, when the statement has one. */
  format?: string;
  /** Whether per-query settings can be appended as a SETTINGS clause. */
  acceptsSettings: boolean;
}

const IDENT = '(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)';
const INSERT_FORMAT = new RegExp(
  `^\\s*INSERT\\s+INTO\\s+(?:TABLE\\s+)?(${IDENT}(?:\\.${IDENT})?)\\s*(\\([^)]*\\))?\\s*(?:SETTINGS\\s+(.+?)\\s+)?FORMAT\\s+([A-Za-z0-9_]+)\\s*;?\\s*$`,
  'is',
);
const TRAILING_FORMAT = /\s+FORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i;
/** Statements after which a SETTINGS clause means query settings (for CREATE TABLE it would mean table settings). */
const SETTINGS_OK = /^\s*(?:\(?\s*SELECT|WITH|INSERT|EXPLAIN|SHOW|DESC|DESCRIBE|EXISTS)\b/i;

export function classify(sql: string): InsertWithData | OtherStatement {
  const insert = INSERT_FORMAT.exec(sql);
  if (insert) {
    return {
      kind: 'insert',
      table: unquote(insert[1]),
      columns: insert[2] ? insert[2].slice(1, -1).split(',').map((c) => unquote(c.trim())).filter(Boolean) : undefined,
      format: insert[4],
      settings: insert[3] ? parseSettingsClause(insert[3]) : {},
    };
  }
  const trailing = TRAILING_FORMAT.exec(sql);
  const body = trailing ? sql.slice(0, trailing.index) : sql.replace(/;\s*$/, '');
  return { kind: 'query', sql: body, format: trailing?.[1], acceptsSettings: SETTINGS_OK.test(body) };
}

/**
 * A query sent in the body may carry its insert data after it: the statement ends at the
 * first newline after `FORMAT <name>`.
 */
export function splitInsertBody(body: Buffer): { sql: string; data: Buffer } | undefined {
  const head = body.subarray(0, Math.min(body.length, 64 * 1024)).toString('utf8');
  const m = /^\s*INSERT\s[\s\S]*?\sFORMAT\s+[A-Za-z0-9_]+[ \t]*(\r?\n|$)/i.exec(head);
  if (!m) return undefined;
  const sqlBytes = Buffer.byteLength(m[0], 'utf8');
  return { sql: m[0].trim(), data: body.subarray(sqlBytes) };
}

function unquote(name: string): string {
  return name
    .split('.')
    .map((part) => (part.startsWith('`') ? part.slice(1, -1) : part))
    .join('.');
}

function parseSettingsClause(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (k && v !== undefined) out[k] = v.replace(/^'(.*)'$/, '$1');
  }
  return out;
}
