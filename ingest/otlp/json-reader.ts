import protobuf from 'protobufjs';
import { VigilError } from '../../api/errors.js';
import { FieldPath } from './field-path.js';

/**
 * OTLP/JSON → the same message objects protobufjs' binary decoders build, driven
 * by the reflected types. It follows the OTLP/JSON rules, which differ from the
 * canonical proto3 JSON mapping
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * trace/span ids are hex, not base64; enums are integers (names accepted too);
 * 64-bit integers may be strings or numbers; keys are lowerCamelCase (the
 * original snake_case is accepted as well); unknown keys are ignored; null means
 * absent. Wrong JSON types are INGEST_MALFORMED_JSON, bad values
 * INGEST_INVALID_FIELD, both naming the field.
 */
export function readOtlpJson<T>(type: protobuf.Type, body: Buffer): T {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new VigilError('INGEST_MALFORMED_JSON', `body is not valid JSON: ${(err as Error).message}`);
  }
  const path = new FieldPath();
  if (!isObject(json)) throw malformed(path, undefined, 'expected a JSON object');
  return readMessage(type, json, path, 0) as T;
}

/** protobufjs' limit for binary messages, applied to JSON nesting too. */
const MAX_DEPTH = protobuf.Reader.recursionLimit;

/** OTLP encodes these bytes fields as hex in JSON; every other bytes field is base64. */
const HEX_ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

type Kind = 'message' | 'enum' | 'int64' | 'int32' | 'double' | 'bool' | 'string' | 'bytes' | 'hex';

interface FieldPlan {
  name: string;
  kind: Kind;
  repeated: boolean;
  unsigned: boolean;
  type: protobuf.Type | null;
  enumValues: Record<string, number> | null;
}

const plans = new WeakMap<protobuf.Type, Map<string, FieldPlan>>();

function planFor(type: protobuf.Type): Map<string, FieldPlan> {
  let plan = plans.get(type);
  if (plan) return plan;
  plan = new Map();
  for (const field of type.fieldsArray) {
    field.resolve();
    const resolved = field.resolvedType;
    const entry: FieldPlan = {
      name: field.name,
      kind: kindOf(field),
      repeated: field.repeated,
      unsigned: field.type === 'uint64' || field.type === 'fixed64',
      type: resolved instanceof protobuf.Type ? resolved : null,
      enumValues: resolved instanceof protobuf.Enum ? resolved.values : null,
    };
    plan.set(field.name, entry);
    const snake = field.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snake !== field.name) plan.set(snake, entry);
  }
  plans.set(type, plan);
  return plan;
}

function kindOf(field: protobuf.Field): Kind {
  if (field.resolvedType instanceof protobuf.Type) return 'message';
  if (field.resolvedType instanceof protobuf.Enum) return 'enum';
  switch (field.type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return 'int64';
    case 'int32':
    case 'uint32':
    case 'sint32':
    case 'fixed32':
    case 'sfixed32':
      return 'int32';
    case 'double':
    case 'float':
      return 'double';
    case 'bool':
      return 'bool';
    case 'string':
      return 'string';
    case 'bytes':
      return HEX_ID_FIELDS.has(field.name) ? 'hex' : 'bytes';
    default:
      throw new Error(`unsupported field type ${field.type} for ${field.fullName}`);
  }
}

function readMessage(type: protobuf.Type, json: Record<string, unknown>, path: FieldPath, depth: number): object {
  if (depth > MAX_DEPTH) throw malformed(path, undefined, `nested more than ${MAX_DEPTH} levels deep`);
  const plan = planFor(type);
  const msg = new type.ctor() as unknown as Record<string, unknown>;
  for (const key in json) {
    const field = plan.get(key);
    const raw = json[key];
    if (field === undefined || raw === null || raw === undefined) continue;
    path.enter(field.name);
    if (field.repeated) {
      if (!Array.isArray(raw)) throw malformed(path, undefined, 'expected an array');
      const out = new Array<unknown>(raw.length);
      for (let i = 0; i < raw.length; i++) {
        path.at(i);
        out[i] = readValue(field, raw[i], path, depth);
      }
      msg[field.name] = out;
    } else {
      msg[field.name] = readValue(field, raw, path, depth);
    }
    path.leave();
  }
  return msg;
}

function readValue(field: FieldPlan, raw: unknown, path: FieldPath, depth: number): unknown {
  switch (field.kind) {
    case 'message':
      if (!isObject(raw)) throw malformed(path, undefined, 'expected an object');
      return readMessage(field.type!, raw, path, depth + 1);
    case 'string':
      if (typeof raw !== 'string') throw malformed(path, undefined, 'expected a string');
      return raw;
    case 'bool':
      if (typeof raw !== 'boolean') throw malformed(path, undefined, 'expected true or false');
      return raw;
    case 'double':
      return readDouble(raw, path);
    case 'int32':
      return readInt32(raw, path);
    case 'int64':
      return readInt64(raw, field.unsigned, path);
    case 'enum':
      return readEnum(raw, field.enumValues!, path);
    case 'hex':
      return readHex(raw, path);
    case 'bytes':
      return readBase64(raw, path);
  }
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function readDouble(raw: unknown, path: FieldPath): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    const special = SPECIAL_DOUBLES[raw];
    if (special !== undefined) return special;
    const n = raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isNaN(n)) return n;
  }
  throw invalid(path, `expected a number, got ${preview(raw)}`);
}

function readInt32(raw: unknown, path: FieldPath): number {
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(path, `expected an integer, got ${preview(raw)}`);
  if (n < -0x80000000 || n > 0xffffffff) throw invalid(path, `${n} is out of the 32-bit range`);
  return n;
}

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function readInt64(raw: unknown, unsigned: boolean, path: FieldPath): protobuf.Long {
  let big: bigint;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) big = BigInt(raw);
  else if (typeof raw === 'number' && Number.isInteger(raw)) big = BigInt(raw);
  else throw invalid(path, `expected an integer (string or number), got ${preview(raw)}`);
  if (unsigned ? big < 0n || big > UINT64_MAX : big < INT64_MIN || big >= -INT64_MIN) {
    throw invalid(path, `${big} is out of the ${unsigned ? 'unsigned ' : ''}64-bit range`);
  }
  const bits = BigInt.asUintN(64, big);
  return new protobuf.util.LongBits(Number(bits & 0xffffffffn) >>> 0, Number(bits >> 32n) >>> 0).toLong(unsigned);
}

function readEnum(raw: unknown, values: Record<string, number>, path: FieldPath): number {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string') {
    const n = Object.hasOwn(values, raw) ? values[raw] : undefined;
    if (n !== undefined) return n;
  }
  throw invalid(path, `expected an enum value (integer or name), got ${preview(raw)}`);
}

function readHex(raw: unknown, path: FieldPath): Buffer {
  if (typeof raw !== 'string') throw malformed(path, undefined, 'expected a hex string');
  if (raw.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(raw)) {
    throw invalid(path, `expected a hex string, got ${preview(raw)}`);
  }
  return Buffer.from(raw, 'hex');
}

function readBase64(raw: unknown, path: FieldPath): Buffer {
  if (typeof raw !== 'string') throw malformed(path, undefined, 'expected a base64 string');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(raw)) throw invalid(path, `expected base64, got ${preview(raw)}`);
  return Buffer.from(raw, 'base64');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function preview(v: unknown): string {
  const text =
    typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : isObject(v) ? 'an object' : String(v);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function malformed(path: FieldPath, leaf: string | undefined, why: string): VigilError {
  return new VigilError('INGEST_MALFORMED_JSON', `${path.describe(leaf)}: ${why}`);
}

function invalid(path: FieldPath, why: string): VigilError {
  return new VigilError('INGEST_INVALID_FIELD', `${path.describe()}: ${why}`);
}
