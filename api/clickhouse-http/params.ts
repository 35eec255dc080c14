/**
 * Query parameters as the ClickHouse HTTP interface receives them (`param_<name>`), turned
 * back into JS values for chDB's server-side binding.
 *
 * A client sends each value in ClickHouse's Escaped (TSV) text form for the declared type:
 * scalars backslash-escaped, `\N` for NULL; arrays, tuples and maps as literals
 * (`['a\'b',NULL]`). chDB's binder takes JS values and escapes them itself, so the text is
 * decoded here and never spliced into the SQL.
 */
export type ParamValue = string | number | null | ParamValue[] | Map<ParamValue, ParamValue>;

/** `{name:Type}` placeholders of a query, name → declared type. */
export function declaredParamTypes(sql: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^}]+?)\s*\}/g)) types.set(match[1], match[2]);
  return types;
}

export function decodeParams(sql: string, raw: Map<string, string>): Record<string, ParamValue> {
  const types = declaredParamTypes(sql);
  const out: Record<string, ParamValue> = {};
  for (const [name, text] of raw) {
    const type = unwrapType(types.get(name) ?? 'String');
    out[name] = /^(Array|Tuple|Map)\s*\(/i.test(type) ? parseLiteral(text) : unescapeTsv(text);
  }
  return out;
}

function unwrapType(type: string): string {
  let t = type.trim();
  for (;;) {
    const m = /^(Nullable|LowCardinality)\s*\((.*)\)$/is.exec(t);
    if (!m) return t;
    t = m[2].trim();
  }
}

const TSV_UNESCAPE: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', "'": "'", '\\': '\\', '"': '"' };

/** ClickHouse's Escaped text form → the value (`\N` alone is NULL). */
export function unescapeTsv(text: string): string | null {
  if (text === '\\N') return null;
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[++i];
    out += TSV_UNESCAPE[next] ?? next;
  }
  return out;
}

/** A ClickHouse literal: quoted strings, numbers, NULL, [arrays], (tuples), {maps}. */
export function parseLiteral(text: string): ParamValue {
  const parser = new LiteralParser(text);
  const value = parser.value();
  parser.end();
  return value;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  value(): ParamValue {
    this.space();
    const c = this.s[this.i];
    if (c === "'") return this.string();
    if (c === '[') return this.list('[', ']');
    if (c === '(') return this.list('(', ')');
    if (c === '{') return this.map();
    const m = /^(NULL|\\N|[-+]?(?:inf|nan|[0-9.eE+-]+)|true|false)/i.exec(this.s.slice(this.i));
    if (!m) throw new Error(`bad literal at ${this.i}: ${this.s.slice(this.i, this.i + 20)}`);
    this.i += m[0].length;
    const word = m[0].toLowerCase();
    if (word === 'null' || word === '\\n') return null;
    if (word === 'true') return 1;
    if (word === 'false') return 0;
    const n = Number(word.replace(/^\+/, '').replace('inf', 'Infinity'));
    // Integers past 2^53 stay text so that nothing is rounded; the engine parses them.
    return Number.isSafeInteger(n) || !/^[-+]?[0-9]+$/.test(word) ? n : m[0];
  }

  end(): void {
    this.space();
    if (this.i !== this.s.length) throw new Error(`unexpected text after literal at ${this.i}`);
  }

  private string(): string {
    let out = '';
    for (this.i++; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === "'") {
        this.i++;
        return out;
      }
      if (c === '\\' && this.i + 1 < this.s.length) {
        const next = this.s[++this.i];
        out += TSV_UNESCAPE[next] ?? next;
      } else out += c;
    }
    throw new Error('unterminated string literal');
  }

  private list(open: string, close: string): ParamValue[] {
    const out: ParamValue[] = [];
    this.i++;
    this.space();
    if (this.s[this.i] === close) {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.space();
      const c = this.s[this.i++];
      if (c === close) return out;
      if (c !== ',') throw new Error(`expected , or ${close} in ${open}${close} literal`);
    }
  }

  private map(): Map<ParamValue, ParamValue> {
    const out = new Map<ParamValue, ParamValue>();
    this.i++;
    this.space();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      const key = this.value();
      this.space();
      if (this.s[this.i++] !== ':') throw new Error('expected : in map literal');
      out.set(key, this.value());
      this.space();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') throw new Error('expected , or } in map literal');
    }
  }

  private space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
}
