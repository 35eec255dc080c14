import { VigilError } from '../../api/errors.js';
import { nanoTimeOf, ZERO_TIME, type Attributes, type NanoTime } from '../rows.js';
import { exceedsUtf8, stringTooLong, tooManyAttributes, type DecodeLimits } from '../decode/limits.js';
import type { FieldPath } from './field-path.js';
import type { AnyValue, Int64, KeyValue } from './messages.js';

/**
 * Conversions from decoded OTLP values to row values, written for the hot path:
 * no closures, no regular expressions, no BigInt for the usual cases.
 */

/**
 * An AnyValue as text the way the Collector's ClickHouse exporter writes it
 * (pdata `Value.AsString`): strings as-is, bool/int/double as text (doubles as
 * ECMAScript formats numbers, which pdata copies), bytes as base64, arrays and
 * maps as JSON, an empty value as ''.
 */
export function anyValueToString(v: AnyValue | null): string {
  if (v === null) return '';
  if (v.stringValue !== null) return v.stringValue;
  if (v.doubleValue !== null) return String(v.doubleValue);
  if (v.boolValue !== null) return v.boolValue ? 'true' : 'false';
  if (v.bytesValue !== null) return base64(v.bytesValue);
  if (v.arrayValue !== null || v.kvlistValue !== null) return anyValueJson(v);
  if (Object.hasOwn(v, 'intValue')) return int64ToDecimal(v.intValue);
  return '';
}

/** An AnyValue as JSON (pdata `AsRaw` then JSON): ints keep every digit, bytes are base64 strings. */
function anyValueJson(v: AnyValue | null): string {
  if (v === null) return 'null';
  if (v.stringValue !== null) return JSON.stringify(v.stringValue);
  if (Object.hasOwn(v, 'intValue')) return int64ToDecimal(v.intValue);
  if (v.doubleValue !== null) return JSON.stringify(v.doubleValue);
  if (v.boolValue !== null) return v.boolValue ? 'true' : 'false';
  if (v.bytesValue !== null) return `"${base64(v.bytesValue)}"`;
  if (v.arrayValue !== null) {
    const values = v.arrayValue.values;
    let out = '[';
    for (let i = 0; i < values.length; i++) out += (i > 0 ? ',' : '') + anyValueJson(values[i]);
    return `${out}]`;
  }
  if (v.kvlistValue !== null) {
    const values = v.kvlistValue.values;
    let out = '{';
    for (let i = 0; i < values.length; i++) {
      out += `${i > 0 ? ',' : ''}${JSON.stringify(values[i].key)}:${anyValueJson(values[i].value)}`;
    }
    return `${out}}`;
  }
  return 'null';
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/**
 * A KeyValue list as a row's attribute map, enforcing limits.maxAttributes and
 * limits.maxStringBytes on keys and stringified values. `field` names the list
 * inside the current path for error messages.
 */
export function attributesToMap(kvs: KeyValue[], limits: DecodeLimits, path: FieldPath, field: string): Attributes {
  const out: Attributes = {};
  const n = kvs.length;
  if (n === 0) return out;
  if (n > limits.maxAttributes) throw tooManyAttributes(path.describe(field), n, limits);
  const max = limits.maxStringBytes;
  for (let i = 0; i < n; i++) {
    const kv = kvs[i];
    const key = kv.key;
    if (exceedsUtf8(key, max)) throw stringTooLong(path.describe(`${field}[${i}].key`), key, max);
    const value = anyValueToString(kv.value);
    if (exceedsUtf8(value, max)) throw stringTooLong(path.describe(`${field}[${i}].value`), value, max);
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Throws INGEST_STRING_TOO_LONG naming `field` when `s` is longer than `maxBytes`. */
export function checkString(s: string, maxBytes: number, path: FieldPath, field: string, limitName?: string): string {
  if (exceedsUtf8(s, maxBytes)) throw stringTooLong(path.describe(field), s, maxBytes, limitName);
  return s;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex; '' when absent.
 * Any other length is INGEST_INVALID_FIELD naming the field.
 */
export function idToHex(bytes: Uint8Array, expected: 8 | 16, path: FieldPath, field: string): string {
  const n = bytes.length;
  if (n === 0) return '';
  if (n !== expected) {
    throw new VigilError('INGEST_INVALID_FIELD', `${path.describe(field)}: expected ${expected} bytes, got ${n}`);
  }
  let out = '';
  for (let i = 0; i < n; i++) out += HEX[bytes[i]];
  return out;
}

/**
 * An unsigned 64-bit nanosecond count as NanoTime, without BigInt or precision
 * loss: with hi = a·2¹⁶ + b, hi·2³² = hi·4·10⁹ + a·(19330·10⁹ + 976710656) +
 * b·294967296, and the sub-10⁹ parts summed with lo stay below 2⁵³.
 */
export function int64ToNanoTime(v: Int64): NanoTime {
  const hi = v.high >>> 0;
  const lo = v.low >>> 0;
  if (hi === 0 && lo === 0) return ZERO_TIME;
  const a = hi >>> 16;
  const b = hi & 0xffff;
  const rest = a * 976710656 + b * 294967296 + lo;
  const restSeconds = Math.floor(rest / 1e9);
  const seconds = hi * 4 + a * 19330 + restSeconds;
  const nanos = rest - restSeconds * 1e9;
  return nanoTimeOf(seconds, nanos);
}

/** A 64-bit integer as a decimal string (signed or unsigned per `v.unsigned`), every digit kept. */
export function int64ToDecimal(v: Int64): string {
  const hi = v.high;
  const lo = v.low >>> 0;
  if (hi === 0) return String(lo);
  if (!v.unsigned && hi === -1 && lo !== 0) return String(lo - 0x100000000);
  return int64ToBigInt(v).toString();
}

export function int64ToBigInt(v: Int64): bigint {
  const big = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? big : BigInt.asIntN(64, big);
}

/** A 64-bit integer as a JS number (exact below 2⁵³, nearest double above). */
export function int64ToNumber(v: Int64): number {
  return v.unsigned ? (v.high >>> 0) * 0x100000000 + (v.low >>> 0) : v.high * 0x100000000 + (v.low >>> 0);
}

/**
 * end − start of two unsigned nanosecond times as a decimal string, or null
 * when end is before start.
 */
export function durationNanos(start: Int64, end: Int64): string | null {
  const dh = (end.high >>> 0) - (start.high >>> 0);
  const dl = (end.low >>> 0) - (start.low >>> 0);
  // dh·2³² + dl is exact while |dh| < 2²⁰ (durations under ~52 days).
  if (dh > -0x100000 && dh < 0x100000) {
    const d = dh * 0x100000000 + dl;
    return d < 0 ? null : String(d);
  }
  const big = int64ToBigInt(end) - int64ToBigInt(start);
  return big < 0n ? null : big.toString();
}
