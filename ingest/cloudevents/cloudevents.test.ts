import { CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../api/errors.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../decode/limits.js';
import type { EventRow } from '../rows.js';
import { decodeCloudEvents, type HttpHeaders } from './cloudevents.js';

const RECEIVED = 1_800_000_000_000_000_000n;
const limits = DEFAULT_DECODE_LIMITS;

function decode(body: string | Buffer, headers: HttpHeaders, lim: DecodeLimits = limits): EventRow[] {
  return decodeCloudEvents(Buffer.from(body), headers, lim, RECEIVED).rows.events ?? [];
}

function errorOf(run: () => unknown): VigilError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error('expected a VigilError');
}

const deploy = new CloudEvent({
  id: 'evt-1',
  source: '/ci/pipelines/42',
  type: 'dev.cdevents.service.deployed.0.2.0',
  subject: 'checkout',
  time: '2024-01-02T03:04:05.678Z',
  datacontenttype: 'application/json',
  data: { subject: { id: 'checkout', content: { artifactId: 'pkg:oci/checkout@sha256:abc', environment: { id: 'prod' } } } },
  service: 'checkout-api',
  team: 'payments',
  retries: 3,
});

describe('decodeCloudEvents with events built by the cloudevents SDK', () => {
  it('decodes structured mode', () => {
    const message = HTTP.structured(deploy);
    const [row] = decode(message.body as string, message.headers);
    expect(row).toEqual({
      Id: 'evt-1',
      Source: '/ci/pipelines/42',
      Type: 'dev.cdevents.service.deployed.0.2.0',
      SpecVersion: '1.0',
      Subject: 'checkout',
      Time: '1704164645.678000000',
      DataContentType: 'application/json',
      DataSchema: '',
      Data: '{"subject":{"id":"checkout","content":{"artifactId":"pkg:oci/checkout@sha256:abc","environment":{"id":"prod"}}}}',
      Extensions: { service: 'checkout-api', team: 'payments', retries: '3' },
      Practice: 'devops',
      ServiceName: 'checkout-api',
    });
  });

  it('decodes binary mode to the same row', () => {
    const message = HTTP.binary(deploy);
    const [binary] = decode(message.body as string, message.headers);
    const structured = HTTP.structured(deploy);
    const [fromStructured] = decode(structured.body as string, structured.headers);
    // Binary mode carries the full Content-Type header, charset included.
    expect(binary).toEqual({ ...fromStructured, DataContentType: message.headers['content-type'] });
  });

  it('keeps text data as a JSON string and binary data as base64', () => {
    const text = new CloudEvent({ source: '/chat', type: 'com.example.chatops.command', data: 'deploy "checkout"', datacontenttype: 'text/plain' });
    const bytes = new CloudEvent({ source: '/s', type: 'com.example.blob', data: Buffer.from([0, 1, 254, 255]), datacontenttype: 'application/octet-stream' });
    const [textRow] = decode(HTTP.binary(text).body as string, HTTP.binary(text).headers);
    expect(textRow).toMatchObject({ Data: '"deploy \\"checkout\\""', DataContentType: 'text/plain', Practice: 'chatops', ServiceName: '' });
    const binary = HTTP.binary(bytes);
    expect(decode(binary.body as Buffer, binary.headers)[0]).toMatchObject({ Data: '"AAH+/w=="', DataContentType: 'application/octet-stream' });
    const structured = HTTP.structured(bytes);
    expect(decode(structured.body as string, structured.headers)[0]).toMatchObject({ Data: '"AAH+/w=="', DataContentType: 'application/octet-stream' });
  });

  it('decodes batch mode', () => {
    const scan = new CloudEvent({ id: 'v1', source: '/scanner', type: 'com.example.security.vulnerability.found', subject: 'cart' });
    const rows = decode(JSON.stringify([deploy, scan]), { 'content-type': 'application/cloudevents-batch+json' });
    expect(rows.map((r) => [r.Id, r.Practice, r.ServiceName])).toEqual([
      ['evt-1', 'devops', 'checkout-api'],
      ['v1', 'devsecops', 'cart'],
    ]);
    expect(decodeCloudEvents(Buffer.from('[]'), { 'content-type': 'application/cloudevents-batch+json' }, limits, RECEIVED)).toEqual({
      rows: {},
      rejected: 0,
    });
  });
});

describe('decodeCloudEvents details', () => {
  const structured = (event: Record<string, unknown>) =>
    decode(JSON.stringify({ specversion: '1.0', id: 'a', source: 's', type: 't', ...event }), { 'content-type': 'application/cloudevents+json; charset=utf-8' });

  it('keeps nanoseconds and offsets of time, and uses the receive time without one', () => {
    expect(structured({ time: '2024-01-02T04:04:05.123456789+01:00' })[0].Time).toBe('1704164645.123456789');
    expect(structured({})[0].Time).toBe('1800000000.000000000');
  });

  it('reads data_base64 by its content type', () => {
    const data = Buffer.from('{"ok":true}').toString('base64');
    expect(structured({ data_base64: data, datacontenttype: 'application/json' })[0].Data).toBe('{"ok":true}');
    expect(structured({ data_base64: data })[0].Data).toBe(JSON.stringify(data));
  });

  it('percent-decodes binary-mode header values and accepts any header case', () => {
    const [row] = decode('', { 'CE-SpecVersion': '1.0', 'ce-id': 'x', 'ce-source': '/a%20b', 'ce-type': 't', 'ce-note': '%E2%82%AC' });
    expect(row).toMatchObject({ Source: '/a b', Extensions: { note: '€' }, Data: '', DataContentType: '' });
  });

  it.each<[string, () => unknown, ErrorCode, RegExp]>([
    ['a missing id', () => structured({ id: undefined }), 'INGEST_MISSING_FIELD', /event\.id: required/],
    ['an empty source', () => structured({ source: '' }), 'INGEST_MISSING_FIELD', /event\.source/],
    ['a missing type', () => structured({ type: null }), 'INGEST_MISSING_FIELD', /event\.type/],
    ['a missing specversion', () => structured({ specversion: undefined }), 'INGEST_MISSING_FIELD', /specversion/],
    ['specversion 0.3', () => structured({ specversion: '0.3' }), 'INGEST_INVALID_FIELD', /"0\.3" is not supported/],
    ['a bad time', () => structured({ time: '2024-02-30T00:00:00Z' }), 'INGEST_INVALID_FIELD', /event\.time/],
    ['a time that is not text', () => structured({ time: 1700000000 }), 'INGEST_INVALID_FIELD', /event\.time: expected a string/],
    ['an uppercase extension name', () => structured({ myExt: 'x' }), 'INGEST_INVALID_FIELD', /event\.myExt: attribute names/],
    ['an object extension', () => structured({ ext: { a: 1 } }), 'INGEST_INVALID_FIELD', /event\.ext/],
    ['an empty subject', () => structured({ subject: '' }), 'INGEST_INVALID_FIELD', /event\.subject: must not be empty/],
    ['data and data_base64', () => structured({ data: 1, data_base64: 'AA==' }), 'INGEST_INVALID_FIELD', /not both/],
    ['bad base64', () => structured({ data_base64: '***' }), 'INGEST_INVALID_FIELD', /data_base64/],
    ['a JSON syntax error', () => decode('{', { 'content-type': 'application/cloudevents+json' }), 'INGEST_MALFORMED_JSON', /not valid JSON/],
    ['a structured array', () => decode('[]', { 'content-type': 'application/cloudevents+json' }), 'INGEST_MALFORMED_JSON', /JSON object/],
    ['a batch object', () => decode('{}', { 'content-type': 'application/cloudevents-batch+json' }), 'INGEST_MALFORMED_JSON', /JSON array/],
    ['a batch of strings', () => decode('["x"]', { 'content-type': 'application/cloudevents-batch+json' }), 'INGEST_MALFORMED_JSON', /\[0\]/],
    ['a bad event in a batch', () => decode('[{"specversion":"1.0","id":"a","source":"s"}]', { 'content-type': 'application/cloudevents-batch+json' }), 'INGEST_MISSING_FIELD', /\[0\]\.type/],
    ['binary JSON data that does not parse', () => decode('{', { 'ce-specversion': '1.0', 'ce-id': 'a', 'ce-source': 's', 'ce-type': 't', 'content-type': 'application/json' }), 'INGEST_MALFORMED_JSON', /body: data/],
    ['a binary header with bad percent-encoding', () => decode('', { 'ce-specversion': '1.0', 'ce-id': '%E2%82', 'ce-source': 's', 'ce-type': 't' }), 'INGEST_INVALID_FIELD', /ce-id/],
    ['plain JSON without ce- headers', () => decode('{}', { 'content-type': 'application/json' }), 'INGEST_BAD_CONTENT_TYPE', /ce-specversion/],
    ['another event format', () => decode('', { 'content-type': 'application/cloudevents+avro' }), 'INGEST_BAD_CONTENT_TYPE', /JSON event format/],
  ])('rejects %s', (_name, run, code, message) => {
    const err = errorOf(run);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('enforces the limits', () => {
    const small: DecodeLimits = { ...limits, maxAttributes: 2, maxStringBytes: 8, maxBodyStringBytes: 10, maxItemsPerRequest: 2 };
    const event = (extra: Record<string, unknown>) => JSON.stringify({ specversion: '1.0', id: 'a', source: 's', type: 't', ...extra });
    const ce = { 'content-type': 'application/cloudevents+json' };
    expect(errorOf(() => decode(event({ a: '1', b: '2', c: '3' }), ce, small)).code).toBe('INGEST_TOO_MANY_ATTRIBUTES');
    expect(errorOf(() => decode(event({ subject: 'x'.repeat(9) }), ce, small)).message).toMatch(/event\.subject: 9 bytes/);
    expect(errorOf(() => decode(event({ data: 'x'.repeat(10) }), ce, small)).message).toMatch(/maxBodyStringBytes/);
    const batch = `[${event({})},${event({})},${event({})}]`;
    expect(errorOf(() => decode(batch, { 'content-type': 'application/cloudevents-batch+json' }, small)).code).toBe('INGEST_TOO_MANY_ITEMS');
  });
});
