import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpLogs } from '../helpers/roles.js';
import { eventually, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * The SQL sandbox through its two doors: `POST /api/v1/sql` and the ClickHouse HTTP interface
 * (with the real @clickhouse/client), on a Vigil that requires tokens.
 */
const INTERNAL = 'internal-token-of-the-sql-test';
let vigil: TestVigil;
let analyst: string;
let viewer: string;
let ingest: string;

beforeAll(async () => {
  vigil = await startTestVigil({ 'auth.mode': 'required', 'auth.internalToken': INTERNAL, 'clickhouse.enabled': true, 'clickhouse.port': 0, 'sql.maxExecutionSeconds': 1, 'sql.maxResultRows': 100, 'detect.enabled': false });
  analyst = (await vigil.access.tokens.create({ name: 'analyst', roles: ['analyst'], createdBy: 'test' })).token;
  viewer = (await vigil.access.tokens.create({ name: 'viewer', roles: ['viewer'], createdBy: 'test' })).token;
  ingest = (await vigil.access.tokens.create({ name: 'ingest', roles: ['ingest'], createdBy: 'test' })).token;
  const res = await fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: otlpLogs('checkout', 'line', 5) });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await vigil?.stop();
});

const sql = (body: object, token = analyst) =>
  fetch(`${vigil.url}/api/v1/sql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

describe('POST /api/v1/sql', () => {
  it('answers JSON with meta, CSV with a header, Parquet and an Arrow stream', async () => {
    const query = 'SELECT ServiceName AS service, count() AS n FROM otel_logs GROUP BY service';
    const json = await sql({ query });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toMatchObject({ meta: [{ name: 'service' }, { name: 'n' }], data: [{ service: 'checkout', n: '5' }], rows: 1 });
    const csv = await sql({ query, format: 'csv' });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await csv.text()).toBe('"service","n"\n"checkout",5\n');
    const parquet = Buffer.from(await (await sql({ query, format: 'parquet' })).arrayBuffer());
    expect(parquet.subarray(0, 4).toString()).toBe('PAR1');
    const arrow = await sql({ query, format: 'arrow' });
    expect(arrow.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    expect(Buffer.from(await arrow.arrayBuffer()).readUInt32LE(0)).toBe(0xffffffff); // IPC continuation marker
  });

  it('binds params; injection through them is inert', async () => {
    const res = await sql({ query: 'SELECT count() AS n FROM otel_logs WHERE ServiceName = {s:String}', params: { s: "checkout' OR 1=1 --" } });
    expect(((await res.json()) as { data: unknown }).data).toEqual([{ n: '0' }]);
  });

  it('answers each refusal and limit with a clear 4xx { code, message }', async () => {
    const cases: Array<[object, number, string]> = [
      [{ query: 'DROP TABLE otel_logs' }, 403, 'SQL_FORBIDDEN'],
      [{ query: "SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a String')" }, 403, 'SQL_FORBIDDEN'],
      [{ query: 'SELECT * FROM api_tokens' }, 403, 'SQL_FORBIDDEN'],
      [{ query: 'SELECT 1 SETTINGS max_result_rows = 0' }, 403, 'SQL_FORBIDDEN'],
      [{ query: 'SELECT count() FROM system.numbers' }, 422, 'SQL_TIMEOUT'],
      [{ query: 'SELECT number FROM numbers(1000)' }, 422, 'SQL_RESULT_TOO_LARGE'],
      [{ query: 'SELEC 1' }, 400, 'SQL_INVALID'],
      [{ query: 'SELECT 1', format: 'xml' }, 400, 'API_BAD_REQUEST'],
    ];
    for (const [body, status, code] of cases) {
      const res = await sql(body);
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(await res.json()).toEqual({ code, message: expect.any(String) });
    }
    expect((await sql({ query: 'SELECT 1' }, viewer)).status).toBe(403);
    expect((await sql({ query: 'SELECT count() AS n FROM otel_logs' })).status).toBe(200);
  });
});

describe('ClickHouse HTTP interface with the sandbox', () => {
  let client: ClickHouseClient;
  beforeAll(() => {
    client = createClient({ url: vigil.clickhouseUrl!, username: 'analyst', password: analyst });
  });
  afterAll(async () => {
    await client?.close();
  });

  it('serves an analyst token through the sandbox, with params', async () => {
    const rows = await (await client.query({ query: 'SELECT ServiceName AS s, count() AS n FROM otel_logs WHERE ServiceName = {s:String} GROUP BY s', query_params: { s: 'checkout' }, format: 'JSONEachRow' })).json();
    expect(rows).toEqual([{ s: 'checkout', n: '5' }]);
  });

  it('refuses writes, forbidden tables and limit settings in ClickHouse\'s own error format', async () => {
    await expect(client.command({ query: 'DROP TABLE otel_logs' })).rejects.toMatchObject({ code: '497', type: 'ACCESS_DENIED' });
    await expect(client.insert({ table: 'otel_logs', values: [{ Body: 'x' }], format: 'JSONEachRow' })).rejects.toMatchObject({ code: '164', type: 'READONLY' });
    await expect(client.query({ query: 'SELECT * FROM api_tokens' })).rejects.toMatchObject({ code: '497' });
    await expect(client.query({ query: 'SELECT 1', clickhouse_settings: { max_execution_time: 1000 } })).rejects.toMatchObject({ code: '497' });
    await expect(client.query({ query: 'SELECT count() FROM system.numbers' })).rejects.toMatchObject({ code: '159', type: 'TIMEOUT_EXCEEDED' });
    expect((await (await client.query({ query: 'SELECT count() AS n FROM otel_logs', format: 'JSONEachRow' })).json())).toEqual([{ n: '5' }]);
  });

  it('refuses unknown, revoked and non-analyst tokens; user vigil with the internal token has full access', async () => {
    const asViewer = createClient({ url: vigil.clickhouseUrl!, username: 'x', password: viewer });
    await expect(asViewer.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: '516' });
    await asViewer.close();
    const { token, info } = await vigil.access.tokens.create({ name: 'short-lived', roles: ['analyst'], createdBy: 'test' });
    const shortLived = createClient({ url: vigil.clickhouseUrl!, username: 'x', password: token });
    expect((await shortLived.ping()).success).toBe(true);
    await (await shortLived.query({ query: 'SELECT 1' })).text();
    await vigil.access.tokens.revoke(info.id, 'test');
    await expect(shortLived.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: '516' });
    await shortLived.close();

    const internal = createClient({ url: vigil.clickhouseUrl!, username: 'vigil', password: INTERNAL });
    await internal.command({ query: 'CREATE TABLE scratch (a UInt8) ENGINE = Memory' });
    await internal.insert({ table: 'scratch', values: [{ a: 1 }], format: 'JSONEachRow' });
    await eventually(async () => (await (await internal.query({ query: 'SELECT count() AS n FROM scratch', format: 'JSONEachRow' })).json<{ n: string }>())[0].n === '1');
    await internal.command({ query: 'DROP TABLE scratch' });
    await internal.close();
  });
});
