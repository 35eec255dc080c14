import { isUtf8 } from 'node:buffer';
import { exceedsUtf8, type DecodeLimits } from '../decode/limits.js';
import type { Attributes, LogRow, NanoTime, ResourceScope } from '../rows.js';
import { int64ToDecimal, int64ToNanoTime } from './values.js';

/**
 * The hot path of OTLP/protobuf logs: ExportLogsServiceRequest bytes straight to
 * `otel_logs` rows, reading the wire format over the known field numbers of
 * opentelemetry-proto's logs.proto and common.proto, without building the message objects
 * protobufjs builds (an object per record, per attribute, per value, each Long...).
 *
 * It handles what senders send (every field of the logs data model; string, int, double
 * and bool values) and gives up on anything else: malformed or unusual input, a field
 * sent twice, an array/kvlist/bytes value, a broken limit. It then returns undefined and
 * the caller runs the reference decoder (protobufjs + the row mapping), which yields the
 * rows or the request's precise error, so both paths agree on every input by construction
 * (logs-protobuf.test.ts checks the rows match).
 */
export function readLogRows(body: Uint8Array, limits: DecodeLimits, fallbackTime: NanoTime): LogRow[] | undefined {
  try {
    return new LogsReader(body, limits, fallbackTime).request();
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

const GIVE_UP = Symbol('use the reference decoder');

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const FIXED32 = 5;

type Scope = ResourceScope;

class LogsReader {
  private pos = 0;
  private readonly rows: LogRow[] = [];
  private readonly view: DataView;
  /** The same bytes as a Buffer, for Node's native string slicing. */
  private readonly bytes: Buffer;

  constructor(
    private readonly buf: Uint8Array,
    private readonly limits: DecodeLimits,
    private readonly fallbackTime: NanoTime,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  request(): LogRow[] {
    const end = this.buf.length;
    while (this.pos < end) {
      const tag = this.varint32();
      if (tag === ((1 << 3) | LENGTH)) this.resourceLogs(this.sub());
      else this.skip(tag);
    }
    return this.rows;
  }

  /** ResourceLogs: resource = 1, scope_logs = 2 (repeated), schema_url = 3. */
  private resourceLogs(end: number): void {
    let resource = -1;
    let schemaUrl = '';
    const scopes: number[] = [];
    while (this.pos < end) {
      const tag = this.varint32();
      if (tag === ((1 << 3) | LENGTH)) {
        if (resource >= 0) throw GIVE_UP;
        resource = this.pos;
        this.pos = this.sub();
      } else if (tag === ((2 << 3) | LENGTH)) {
        scopes.push(this.pos);
        this.pos = this.sub();
      } else if (tag === ((3 << 3) | LENGTH)) schemaUrl = this.string(this.limits.maxStringBytes);
      else this.skip(tag);
    }
    this.atEnd(end);
    let attributes: Attributes = {};
    if (resource >= 0) {
      this.pos = resource;
      const resourceEnd = this.sub();
      attributes = this.message(resourceEnd, 1);
    }
    const columns = { ServiceName: attributes['service.name'] || 'unknown_service', ResourceAttributes: attributes, ResourceSchemaUrl: schemaUrl };
    for (const at of scopes) {
      this.pos = at;
      this.scopeLogs(this.sub(), columns);
    }
    this.pos = end;
  }

  /** Resource (attributes = 1) or InstrumentationScope (name = 1, version = 2, attributes = 3): the attribute map. */
  private message(end: number, attributesField: number, names?: { name: string; version: string }): Attributes {
    const kvs: number[] = [];
    while (this.pos < end) {
      const tag = this.varint32();
      const field = tag >>> 3;
      if (field === attributesField && (tag & 7) === LENGTH) {
        kvs.push(this.pos);
        this.pos = this.sub();
      } else if (names && tag === ((1 << 3) | LENGTH)) names.name = this.string(this.limits.maxStringBytes);
      else if (names && tag === ((2 << 3) | LENGTH)) names.version = this.string(this.limits.maxStringBytes);
      else this.skip(tag);
    }
    this.atEnd(end);
    const attributes = this.attributes(kvs);
    this.pos = end;
    return attributes;
  }

  /** ScopeLogs: scope = 1, log_records = 2 (repeated), schema_url = 3. */
  private scopeLogs(end: number, resource: Pick<Scope, 'ServiceName' | 'ResourceAttributes' | 'ResourceSchemaUrl'>): void {
    let scopeAt = -1;
    let schemaUrl = '';
    const records: number[] = [];
    while (this.pos < end) {
      const tag = this.varint32();
      if (tag === ((1 << 3) | LENGTH)) {
        if (scopeAt >= 0) throw GIVE_UP;
        scopeAt = this.pos;
        this.pos = this.sub();
      } else if (tag === ((2 << 3) | LENGTH)) {
        records.push(this.pos);
        this.pos = this.sub();
      } else if (tag === ((3 << 3) | LENGTH)) schemaUrl = this.string(this.limits.maxStringBytes);
      else this.skip(tag);
    }
    this.atEnd(end);
    const names = { name: '', version: '' };
    let scopeAttributes: Attributes = {};
    if (scopeAt >= 0) {
      this.pos = scopeAt;
      scopeAttributes = this.message(this.sub(), 3, names);
    }
    const scope: Scope = { ...resource, ScopeName: names.name, ScopeVersion: names.version, ScopeAttributes: scopeAttributes, ScopeSchemaUrl: schemaUrl };
    if (this.rows.length + records.length > this.limits.maxItemsPerRequest) throw GIVE_UP;
    for (const at of records) {
      this.pos = at;
      this.rows.push(this.logRecord(this.sub(), scope));
    }
    this.pos = end;
  }

  private logRecord(end: number, scope: Scope): LogRow {
    let timeLo = 0, timeHi = 0, observedLo = 0, observedHi = 0;
    let severity = 0, flags = 0;
    let severityText = '';
    let body = '';
    let traceId = '', spanId = '';
    let bodySeen = false;
    const kvs: number[] = [];
    while (this.pos < end) {
      const tag = this.varint32();
      switch (tag) {
        case (1 << 3) | FIXED64:
          timeLo = this.fixed32();
          timeHi = this.fixed32();
          break;
        case (11 << 3) | FIXED64:
          observedLo = this.fixed32();
          observedHi = this.fixed32();
          break;
        case (2 << 3) | VARINT:
          severity = this.varint64Low() | 0; // an enum is an int32: the low 32 bits, signed
          break;
        case (3 << 3) | LENGTH:
          severityText = this.string(this.limits.maxStringBytes);
          break;
        case (5 << 3) | LENGTH: {
          if (bodySeen) throw GIVE_UP;
          bodySeen = true;
          body = this.anyValue(this.sub());
          if (exceedsUtf8(body, this.limits.maxBodyStringBytes)) throw GIVE_UP;
          break;
        }
        case (6 << 3) | LENGTH:
          kvs.push(this.pos);
          this.pos = this.sub();
          break;
        case (8 << 3) | FIXED32:
          flags = this.fixed32();
          break;
        case (9 << 3) | LENGTH:
          traceId = this.id(16);
          break;
        case (10 << 3) | LENGTH:
          spanId = this.id(8);
          break;
        case (12 << 3) | LENGTH:
          this.string(Infinity); // event_name: not a column, but protobufjs checks its UTF-8
          break;
        default:
          this.skip(tag);
      }
    }
    this.atEnd(end);
    // SeverityNumber is 1..24 (0 unspecified); the reference decoder names anything else.
    if (!(severity >= 0 && severity <= 24)) throw GIVE_UP;
    const attributes = this.attributes(kvs);
    this.pos = end;
    return {
      Timestamp:
        (timeLo | timeHi) !== 0
          ? int64ToNanoTime({ low: timeLo, high: timeHi, unsigned: true })
          : (observedLo | observedHi) !== 0
            ? int64ToNanoTime({ low: observedLo, high: observedHi, unsigned: true })
            : this.fallbackTime,
      TraceId: traceId,
      SpanId: spanId,
      TraceFlags: flags & 0xff,
      SeverityText: severityText,
      SeverityNumber: severity,
      ServiceName: scope.ServiceName,
      Body: body,
      ResourceSchemaUrl: scope.ResourceSchemaUrl,
      ResourceAttributes: scope.ResourceAttributes,
      ScopeSchemaUrl: scope.ScopeSchemaUrl,
      ScopeName: scope.ScopeName,
      ScopeVersion: scope.ScopeVersion,
      ScopeAttributes: scope.ScopeAttributes,
      LogAttributes: attributes,
    };
  }

  /** KeyValue messages (key = 1, value = 2) at the given offsets → a map, as attributesToMap builds it. */
  private attributes(kvs: number[]): Attributes {
    const out: Attributes = {};
    if (kvs.length === 0) return out;
    if (kvs.length > this.limits.maxAttributes) throw GIVE_UP;
    const max = this.limits.maxStringBytes;
    for (const at of kvs) {
      this.pos = at;
      const end = this.sub();
      let key = '';
      let value = '';
      let valueSeen = false;
      while (this.pos < end) {
        const tag = this.varint32();
        if (tag === ((1 << 3) | LENGTH)) key = this.string(max);
        else if (tag === ((2 << 3) | LENGTH)) {
          if (valueSeen) throw GIVE_UP;
          valueSeen = true;
          value = this.anyValue(this.sub());
          if (exceedsUtf8(value, max)) throw GIVE_UP;
        } else this.skip(tag);
      }
      this.atEnd(end);
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }

  /**
   * AnyValue as anyValueToString writes it. Its fields are proto3 `optional`, so several may
   * be set; the same precedence applies: string, double, bool, (bytes, array, kvlist: given
   * up on here), int.
   */
  private anyValue(end: number): string {
    let text: string | undefined;
    let double: number | undefined;
    let bool: boolean | undefined;
    let intLo = 0, intHi = 0;
    let intSeen = false;
    while (this.pos < end) {
      const tag = this.varint32();
      switch (tag) {
        case (1 << 3) | LENGTH:
          text = this.string(Infinity);
          break;
        case (2 << 3) | VARINT:
          bool = this.varint64Low() !== 0; // protobufjs reads a bool as a uint32: the low 32 bits
          break;
        case (3 << 3) | VARINT:
          intLo = this.varint64Low();
          intHi = this.lastHigh;
          intSeen = true;
          break;
        case (4 << 3) | FIXED64:
          this.need(8);
          double = this.view.getFloat64(this.pos, true);
          this.pos += 8;
          break;
        default:
          // array_value (5), kvlist_value (6), bytes_value (7) and anything unexpected.
          throw GIVE_UP;
      }
    }
    this.atEnd(end);
    if (text !== undefined) return text;
    if (double !== undefined) return String(double);
    if (bool !== undefined) return bool ? 'true' : 'false';
    if (intSeen) return int64ToDecimal({ low: intLo, high: intHi | 0, unsigned: false });
    return '';
  }

  /** A trace or span id: '' when empty, lowercase hex when `expected` bytes long. */
  private id(expected: number): string {
    const end = this.sub();
    const n = end - this.pos;
    if (n === 0) return '';
    if (n !== expected) throw GIVE_UP;
    let out = '';
    for (let i = this.pos; i < end; i++) out += HEX[this.buf[i]];
    this.pos = end;
    return out;
  }

  /** A length-delimited UTF-8 string; invalid UTF-8 or one longer than `maxBytes` gives up. */
  private string(maxBytes: number): string {
    const end = this.sub();
    const start = this.pos;
    this.pos = end;
    const n = end - start;
    if (n > maxBytes) throw GIVE_UP;
    if (n === 0) return '';
    const buf = this.buf;
    if (n <= MAX_INTERNED) {
      // Short ASCII strings (attribute keys, methods, status codes, severities) repeat across
      // records: hand out one string per distinct value instead of allocating each time.
      let hash = n;
      let ascii = true;
      for (let i = start; i < end; i++) {
        const b = buf[i];
        if (b & 0x80) {
          ascii = false;
          break;
        }
        hash = (Math.imul(hash, 31) + b) | 0;
      }
      if (ascii) {
        const slot = hash & (INTERNED_SLOTS - 1);
        const cached = interned[slot];
        if (cached !== undefined && cached.length === n && sameAscii(cached, buf, start)) return cached;
        const s = this.bytes.toString('latin1', start, end);
        interned[slot] = s;
        return s;
      }
    }
    const s = this.bytes.toString('utf8', start, end);
    // Node replaces bad sequences with U+FFFD; only then is the exact (strict, as protobufjs is) check needed.
    if (s.includes('\ufffd') && !isUtf8(buf.subarray(start, end))) throw GIVE_UP;
    return s;
  }

  /** Reads a length prefix; returns the end of the sub-message, which must lie inside the buffer. */
  private sub(): number {
    const length = this.varint32();
    const end = this.pos + length;
    if (length < 0 || end > this.buf.length) throw GIVE_UP;
    return end;
  }

  private atEnd(end: number): void {
    if (this.pos !== end) throw GIVE_UP;
  }

  /** Skips a field Vigil does not read, or one with an unexpected wire type (as protobufjs does). */
  private skip(tag: number): void {
    if (tag >>> 3 === 0) throw GIVE_UP; // field number 0 is illegal
    switch (tag & 7) {
      case VARINT:
        this.varint64Low();
        return;
      case FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case LENGTH:
        this.pos = this.sub();
        return;
      case FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw GIVE_UP; // groups and invalid wire types
    }
  }

  private need(bytes: number): void {
    if (this.pos + bytes > this.buf.length) throw GIVE_UP;
  }

  private fixed32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A varint that fits 32 bits (tags, lengths); anything longer gives up. */
  private varint32(): number {
    const buf = this.buf;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= buf.length) throw GIVE_UP;
      const b = buf[this.pos++];
      if (shift === 28 && b > 0x0f) throw GIVE_UP;
      result |= (b & 0x7f) << shift;
      if (b < 0x80) return result >>> 0;
    }
    throw GIVE_UP;
  }

  /** High 32 bits of the last varint64Low read. */
  private lastHigh = 0;

  /** A varint of up to 64 bits: returns the low 32 bits (unsigned), leaves the high 32 in lastHigh. */
  private varint64Low(): number {
    const buf = this.buf;
    let lo = 0;
    let hi = 0;
    let i = 0;
    for (;; i++) {
      if (this.pos >= buf.length || i >= 10) throw GIVE_UP;
      const b = buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) break;
    }
    this.lastHigh = hi >>> 0;
    return lo >>> 0;
  }
}

const MAX_INTERNED = 24;
const INTERNED_SLOTS = 4096;
const interned: (string | undefined)[] = new Array(INTERNED_SLOTS);

function sameAscii(s: string, buf: Uint8Array, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));
