/**
 * JSON text for detector states. Hot state lives in typed arrays (fast, compact, no boxing);
 * JSON.stringify would write those as {"0":…,"1":…}, so each is written instead as
 * {"$typed": <constructor name>, "base64": <its bytes>} — a few KB per series rather than the
 * hundreds a number list would take, and exact (the bytes are the state itself).
 * Everything else is plain JSON, whose doubles round-trip exactly.
 */
const TYPED = {
  Float64Array,
  Float32Array,
  Int32Array,
  Int16Array,
  Uint16Array,
  Uint8Array,
} as const;

type TypedName = keyof typeof TYPED;

interface EncodedTyped {
  $typed: TypedName;
  base64: string;
}

function isTypedName(name: unknown): name is TypedName {
  return typeof name === 'string' && Object.hasOwn(TYPED, name);
}

function replacer(_key: string, value: unknown): unknown {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return value;
  const name = value.constructor.name;
  if (!isTypedName(name)) throw new Error(`cannot encode a ${name} in a detector state`);
  const base64 = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return { $typed: name, base64 } satisfies EncodedTyped;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('$typed' in value)) return value;
  const { $typed, base64 } = value as EncodedTyped;
  if (!isTypedName($typed) || typeof base64 !== 'string') throw new Error('not a detector snapshot: bad typed array');
  const bytes = Buffer.from(base64, 'base64');
  const Type = TYPED[$typed];
  if (bytes.length % Type.BYTES_PER_ELEMENT !== 0) throw new Error(`not a detector snapshot: ${$typed} of ${bytes.length} bytes`);
  // Copy into a fresh, aligned buffer (Buffer.from may return a view into a shared pool).
  const out = new Type(bytes.length / Type.BYTES_PER_ELEMENT);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function encodeState(state: unknown): string {
  return JSON.stringify(state, replacer);
}

export function decodeState(text: string): unknown {
  return JSON.parse(text, reviver) as unknown;
}
