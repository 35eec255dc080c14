import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import snappy from 'snappyjs';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * Every kind of bad input gets a 4xx `{ code, message }` naming the problem, stores
 * nothing, and leaves the process serving.
 */
let vigil: TestVigil;
const MAX_BODY = 1024 * 1024;
beforeAll(async () => {
  vigil = await startTestVigil({ 'ingest.maxBodyBytes': MAX_BODY, 'ingest.maxAttributes': 32, 'ingest.maxStringBytes': 4096 });
});
afterAll(async () => {
  await vigil?.stop();
});

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const logsJson = (records: unknown[], resourceAttrs = [attr('service.name', 'bad-input')]) =>
  JSON.stringify({ resourceLogs: [{ resource: { attributes: resourceAttrs }, scopeLogs: [{ logRecords: records }] }] });
const record = (extra: Record<string, unknown> = {}) => ({ timeUnixNano: '1767225600000000000', body: { stringValue: 'hello' }, ...extra });

interface Case {
  name: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string;
  status: number;
  code: string;
  mentions?: RegExp;
}

const json = { 'content-type': 'application/json' };
const proto = { 'content-type': 'application/x-protobuf' };

const cases: Case[] = [
  { name: 'garbage protobuf', path: '/v1/logs', headers: proto, body: Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), status: 400, code: 'INGEST_MALFORMED_PROTOBUF' },
  { name: 'truncated protobuf', path: '/v1/traces', headers: proto, body: Buffer.from([0x0a, 0x10, 0x0a, 0x05]), status: 400, code: 'INGEST_MALFORMED_PROTOBUF' },
  { name: 'JSON syntax error', path: '/v1/logs', headers: json, body: '{"resourceLogs": [', status: 400, code: 'INGEST_MALFORMED_JSON' },
  { name: 'JSON of the wrong shape', path: '/v1/metrics', headers: json, body: '{"resourceMetrics": 5}', status: 400, code: 'INGEST_MALFORMED_JSON', mentions: /resourceMetrics/ },
  { name: 'unsupported content type', path: '/v1/logs', headers: { 'content-type': 'text/plain' }, body: 'hello', status: 415, code: 'INGEST_BAD_CONTENT_TYPE' },
  { name: 'corrupt gzip', path: '/v1/logs', headers: { ...json, 'content-encoding': 'gzip' }, body: Buffer.from('not gzip at all'), status: 400, code: 'INGEST_BAD_COMPRESSION' },
  { name: 'unknown encoding', path: '/v1/logs', headers: { ...json, 'content-encoding': 'br' }, body: logsJson([record()]), status: 415, code: 'INGEST_BAD_ENCODING' },
  { name: 'gzip bomb', path: '/v1/logs', headers: { ...json, 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(50 * MAX_BODY, 0x20)), status: 413, code: 'INGEST_BODY_TOO_LARGE' },
  { name: 'oversize body', path: '/v1/logs', headers: json, body: Buffer.alloc(MAX_BODY + 10, 0x20), status: 413, code: 'INGEST_BODY_TOO_LARGE' },
  {
    name: 'too many attributes', path: '/v1/logs', headers: json, status: 400, code: 'INGEST_TOO_MANY_ATTRIBUTES',
    body: logsJson([record(), record({ attributes: Array.from({ length: 40 }, (_, i) => attr(`k${i}`, 'v')) })]),
  },
  { name: 'huge string', path: '/v1/logs', headers: json, status: 400, code: 'INGEST_STRING_TOO_LONG', body: logsJson([record({ attributes: [attr('big', 'x'.repeat(10_000))] })]) },
  { name: 'bad trace id', path: '/v1/logs', headers: json, status: 400, code: 'INGEST_INVALID_FIELD', mentions: /traceId/, body: logsJson([record(), record({ traceId: 'zz12' })]) },
  { name: 'remote write not snappy', path: '/api/v1/write', headers: { ...proto, 'content-encoding': 'snappy' }, body: Buffer.from('plain bytes, no snappy'), status: 400, code: 'INGEST_BAD_COMPRESSION' },
  { name: 'remote write garbage protobuf', path: '/api/v1/write', headers: { ...proto, 'content-encoding': 'snappy' }, body: Buffer.from(snappy.compress(new Uint8Array([0x0a, 0xff, 0x01]))), status: 400, code: 'INGEST_MALFORMED_PROTOBUF' },
  { name: 'remote write wrong content type', path: '/api/v1/write', headers: json, body: '{}', status: 415, code: 'INGEST_BAD_CONTENT_TYPE' },
  {
    name: 'cloudevent without id', path: '/v1/events', headers: { 'content-type': 'application/cloudevents+json' }, status: 400, code: 'INGEST_MISSING_FIELD', mentions: /id/,
    body: JSON.stringify({ specversion: '1.0', source: '/ci', type: 'dev.cdevents.service.deployed.0.1.1' }),
  },
  {
    name: 'cloudevent batch with one bad event', path: '/v1/events', headers: { 'content-type': 'application/cloudevents-batch+json' }, status: 400, code: 'INGEST_INVALID_FIELD', mentions: /specversion/,
    body: JSON.stringify([
      { specversion: '1.0', id: 'good-1', source: '/ci', type: 'dev.cdevents.service.deployed.0.1.1' },
      { specversion: '0.3', id: 'bad-1', source: '/ci', type: 'dev.cdevents.service.deployed.0.1.1' },
    ]),
  },
  { name: 'empty body', path: '/v1/logs', headers: json, body: '', status: 400, code: 'INGEST_MALFORMED_JSON' },
];

describe('bad input', () => {
  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const res = await fetch(`${vigil.url}${c.path}`, { method: 'POST', headers: c.headers, body: c.body });
      const text = await res.text();
      expect(res.status, text).toBe(c.status);
      const body = JSON.parse(text);
      expect(body.code).toBe(c.code);
      expect(typeof body.message).toBe('string');
      expect(body.message).not.toMatch(/\n\s+at /); // never a stack
      if (c.mentions) expect(body.message).toMatch(c.mentions);
    });
  }

  it('stored nothing and still serves', async () => {
    expect(await getJson(`${vigil.url}/api/v1/stats`)).toEqual({ logs: 0, spans: 0, metricPoints: 0, events: 0 });
    const health = await getJson(`${vigil.url}/api/v1/health`);
    expect(health.status).toBe('ok');
    const ok = await fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: json, body: logsJson([record()]) });
    expect(ok.status).toBe(200);
    expect(await getJson(`${vigil.url}/api/v1/stats`)).toMatchObject({ logs: 1 });
  });

  it('answers unknown routes and bad query parameters with codes', async () => {
    const missing = await fetch(`${vigil.url}/api/v1/nope`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('API_NOT_FOUND');
    const badTime = await fetch(`${vigil.url}/api/v1/logs?since=yesterday`);
    expect(badTime.status).toBe(400);
    expect(await badTime.json()).toMatchObject({ code: 'API_BAD_REQUEST' });
    const badLimit = await fetch(`${vigil.url}/api/v1/logs?limit=abc`);
    expect(badLimit.status).toBe(400);
    expect(((await badLimit.json()) as { message: string }).message).toMatch(/limit/);
  });
});
