import { VigilError } from '../../api/errors.js';
import { checkItemCount, exceedsUtf8, stringTooLong, tooManyAttributes, type DecodeLimits } from '../decode/limits.js';
import { nanoTime, type Attributes, type DecodedBatch, type EventRow } from '../rows.js';
import { practiceOf } from './practice.js';
import { parseRfc3339 } from './rfc3339.js';
import { applyEventType } from './typed.js';

export type HttpHeaders = Record<string, string | string[] | undefined>;

/**
 * CloudEvents 1.0 over HTTP (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md)
 * → `events` rows, in the three modes the binding defines:
 * - structured: `Content-Type: application/cloudevents+json`, one event as JSON;
 * - batch: `Content-Type: application/cloudevents-batch+json`, a JSON array of events;
 * - binary: attributes in `ce-*` headers, the body is the data, Content-Type its type.
 *
 * `Data` is always JSON text (or '' without data): JSON data as sent, text as a
 * JSON string, anything else as a JSON string of its base64 (DataContentType
 * tells which). `Time` is the event's `time`, else `receivedAtNs`. Any invalid
 * event rejects the whole request.
 */
export function decodeCloudEvents(
  body: Buffer,
  headers: HttpHeaders,
  limits: DecodeLimits,
  receivedAtNs: bigint,
): DecodedBatch {
  try {
    const events = readEvents(body, lowerCaseKeys(headers), limits, receivedAtNs);
    return { rows: events.length > 0 ? { events } : {}, rejected: 0 };
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new VigilError('INTERNAL', 'CloudEvents decoder failed unexpectedly', { cause: err });
  }
}

const STRUCTURED = 'application/cloudevents+json';
const BATCH = 'application/cloudevents-batch+json';

function readEvents(body: Buffer, headers: Record<string, string>, limits: DecodeLimits, receivedAtNs: bigint): EventRow[] {
  const contentType = headers['content-type'] ?? '';
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === STRUCTURED) {
    const json = parseJson(body);
    if (!isObject(json)) throw new VigilError('INGEST_MALFORMED_JSON', 'structured event: expected a JSON object');
    return [applyEventType(fromStructured(json, 'event', limits, receivedAtNs), 'event')];
  }
  if (mediaType === BATCH) {
    const json = parseJson(body);
    if (!Array.isArray(json)) throw new VigilError('INGEST_MALFORMED_JSON', 'batch: expected a JSON array of events');
    checkItemCount(json.length, 'events', limits);
    const rows = json.map((item: unknown, i) => {
      if (!isObject(item)) throw new VigilError('INGEST_MALFORMED_JSON', `[${i}]: expected a JSON object`);
      return fromStructured(item, `[${i}]`, limits, receivedAtNs);
    });
    return rows.map((row, i) => applyEventType(row, `[${i}]`));
  }
  if (mediaType.startsWith('application/cloudevents')) {
    throw new VigilError('INGEST_BAD_CONTENT_TYPE', `${mediaType}: only the JSON event format is supported`);
  }
  if (headers['ce-specversion'] !== undefined) return [applyEventType(fromBinary(body, headers, contentType, limits, receivedAtNs), 'body')];
  throw new VigilError(
    'INGEST_BAD_CONTENT_TYPE',
    `Content-Type "${contentType}" without ce-specversion: expected ${STRUCTURED}, ${BATCH}, or binary mode (ce-* headers)`,
  );
}

/** Context attributes the spec defines; every other attribute is an extension. */
const CONTEXT_ATTRIBUTES = new Set(['id', 'source', 'specversion', 'type', 'datacontenttype', 'dataschema', 'subject', 'time']);
/** CloudEvents 1.0 §3.1.1: attribute names are lower-case letters and digits. */
const ATTRIBUTE_NAME = /^[a-z0-9]+$/;

/** The attributes of one event as strings, before validation. */
type RawAttributes = Map<string, string>;

function fromStructured(
  json: Record<string, unknown>,
  where: string,
  limits: DecodeLimits,
  receivedAtNs: bigint,
): EventRow {
  const attributes: RawAttributes = new Map();
  for (const key of Object.keys(json)) {
    const value = json[key];
    if (key === 'data' || key === 'data_base64' || value === null) continue; // JSON format §3.1: null = absent
    if (CONTEXT_ATTRIBUTES.has(key)) {
      if (typeof value !== 'string') throw invalid(`${where}.${key}`, 'expected a string');
      attributes.set(key, value);
    } else if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
      attributes.set(key, String(value));
    } else {
      throw invalid(`${where}.${key}`, 'an extension attribute must be a string, number or boolean');
    }
  }
  const contentType = attributes.get('datacontenttype') ?? '';
  let data = '';
  const hasData = json.data !== undefined && json.data !== null;
  const base64 = json.data_base64;
  if (base64 !== undefined && base64 !== null) {
    if (hasData) throw invalid(`${where}.data_base64`, 'an event carries data or data_base64, not both');
    if (typeof base64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
      throw invalid(`${where}.data_base64`, 'expected base64 text');
    }
    data = dataFromBytes(Buffer.from(base64, 'base64'), contentType, where);
  } else if (hasData) {
    data = JSON.stringify(json.data);
  }
  return toRow(attributes, data, where, limits, receivedAtNs);
}

function fromBinary(
  body: Buffer,
  headers: Record<string, string>,
  contentType: string,
  limits: DecodeLimits,
  receivedAtNs: bigint,
): EventRow {
  const attributes: RawAttributes = new Map();
  for (const header of Object.keys(headers)) {
    if (!header.startsWith('ce-')) continue;
    const name = header.slice(3);
    try {
      // HTTP binding §3.1.3.2: header values are percent-encoded UTF-8.
      attributes.set(name, decodeURIComponent(headers[header]));
    } catch {
      throw invalid(header, 'invalid percent-encoding');
    }
  }
  if (contentType !== '') attributes.set('datacontenttype', contentType);
  const data = body.length === 0 ? '' : dataFromBytes(body, attributes.get('datacontenttype') ?? '', 'body');
  return toRow(attributes, data, 'headers', limits, receivedAtNs);
}

/** Validates the attributes (CloudEvents 1.0 §3) and builds the row. */
function toRow(attributes: RawAttributes, data: string, where: string, limits: DecodeLimits, receivedAtNs: bigint): EventRow {
  const extensions: Attributes = {};
  let extensionCount = 0;
  for (const [name, value] of attributes) {
    const field = `${where}.${name}`;
    if (!ATTRIBUTE_NAME.test(name)) throw invalid(field, 'attribute names are lower-case letters a-z and digits 0-9');
    if (exceedsUtf8(value, limits.maxStringBytes)) throw stringTooLong(field, value, limits.maxStringBytes);
    if (CONTEXT_ATTRIBUTES.has(name)) continue;
    extensions[name] = value;
    extensionCount++;
  }
  if (extensionCount > limits.maxAttributes) throw tooManyAttributes(`${where} extensions`, extensionCount, limits);
  if (exceedsUtf8(data, limits.maxBodyStringBytes)) throw stringTooLong(`${where}.data`, data, limits.maxBodyStringBytes, 'maxBodyStringBytes');

  const specVersion = required(attributes, 'specversion', where);
  if (specVersion !== '1.0') throw invalid(`${where}.specversion`, `"${specVersion}" is not supported, expected "1.0"`);
  const type = required(attributes, 'type', where);
  const subject = optional(attributes, 'subject', where);
  let time = receivedAtNs;
  const timeText = optional(attributes, 'time', where);
  if (timeText !== '') {
    const parsed = parseRfc3339(timeText);
    if (parsed === null || parsed < 0n) throw invalid(`${where}.time`, `"${timeText}" is not an RFC 3339 time after 1970`);
    time = parsed;
  }
  return {
    Id: required(attributes, 'id', where),
    Source: required(attributes, 'source', where),
    Type: type,
    SpecVersion: specVersion,
    Subject: subject,
    Time: nanoTime(time),
    DataContentType: optional(attributes, 'datacontenttype', where),
    DataSchema: optional(attributes, 'dataschema', where),
    Data: data,
    Extensions: extensions,
    Practice: practiceOf(type),
    ServiceName: extensions.service || subject,
  };
}

function required(attributes: RawAttributes, name: string, where: string): string {
  const value = attributes.get(name);
  if (value === undefined || value === '') {
    throw new VigilError('INGEST_MISSING_FIELD', `${where}.${name}: required, got ${value === '' ? "''" : 'none'}`);
  }
  return value;
}

/** Optional attributes must still be non-empty when present (CloudEvents 1.0 §3.1.1). */
function optional(attributes: RawAttributes, name: string, where: string): string {
  const value = attributes.get(name);
  if (value === '') throw invalid(`${where}.${name}`, 'must not be empty when present');
  return value ?? '';
}

/** Data bytes as JSON text: JSON kept as sent, text as a JSON string, anything else as a JSON string of base64. */
function dataFromBytes(bytes: Buffer, contentType: string, where: string): string {
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json')) {
    const text = bytes.toString('utf8');
    try {
      JSON.parse(text);
    } catch (err) {
      throw new VigilError('INGEST_MALFORMED_JSON', `${where}: data is not valid JSON: ${(err as Error).message}`);
    }
    return text.trim();
  }
  if (mediaType.startsWith('text/')) {
    const text = utf8OrNull(bytes);
    if (text !== null) return JSON.stringify(text);
  }
  return JSON.stringify(bytes.toString('base64'));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8OrNull(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new VigilError('INGEST_MALFORMED_JSON', `body is not valid JSON: ${(err as Error).message}`);
  }
}

function lowerCaseKeys(headers: HttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(field: string, why: string): VigilError {
  return new VigilError('INGEST_INVALID_FIELD', `${field}: ${why}`);
}
