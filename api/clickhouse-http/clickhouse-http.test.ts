import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore } from '../../analytics/index.js';
import { createLogger } from '../logger.js';
import { startClickHouseHttpServer } from './server.js';

const TOKEN = 'test-internal-token';

describe('ClickHouse HTTP interface on chDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ch-http-'));
  const store = new ChdbStore(dir);
  let server: Awaited<ReturnType<typeof startClickHouseHttpServer>>;
  let client: ClickHouseClient;

  beforeAll(async () => {
    server = await startClickHouseHttpServer({ engine: store, internalToken: TOKEN, database: 'vigil', host: '127.0.0.1', port: 0, logger: createLogger('silent'), maxBodyBytes: 64 << 20 });
    client = createClient({ url: server.url, username: 'vigil', password: TOKEN, database: 'vigil' });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /ping without credentials', async () => {
    const res = await fetch(`${server.url}/ping`);
    expect(await res.text()).toBe('Ok.\n');
    expect((await client.ping()).success).toBe(true);
  });

  it('refuses anyone but user vigil with the internal token (basic auth and X-ClickHouse-User/Key)', async () => {
    const denied = await fetch(`${server.url}/?query=SELECT%201`, { headers: { authorization: `Basic ${Buffer.from('vigil:wrong').toString('base64')}` } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('x-clickhouse-exception-code')).toBe('516');
    expect(await denied.text()).toMatch(/^Code: 516\. DB::Exception: .*\(AUTHENTICATION_FAILED\)/);
    expect((await fetch(`${server.url}/?query=SELECT%201`, { headers: { 'x-clickhouse-user': 'default', 'x-clickhouse-key': TOKEN } })).status).toBe(401);
    const ok = await fetch(`${server.url}/?query=SELECT%201`, { headers: { 'x-clickhouse-user': 'vigil', 'x-clickhouse-key': TOKEN } });
    expect(await ok.text()).toBe('1\n');
    const wrongUser = createClient({ url: server.url, username: 'default', password: TOKEN });
    await expect(wrongUser.query({ query: 'SELECT 1' })).rejects.toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' });
    await wrongUser.close();
  });

  it('binds parameters of every shape without splicing them into the SQL', async () => {
    const rows = await (await client.query({
      query: 'SELECT {s:String} AS s, {n:UInt64} AS n, {a:Array(String)} AS a, {m:Map(String, String)} AS m, {z:Nullable(String)} AS z',
      query_params: { s: "it's a \\ \t\n test", n: '18446744073709551615', a: ["x'y", 'b\\c', ''], m: { k: "v'" }, z: null },
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
    })).json();
    expect(rows).toEqual([{ s: "it's a \\ \t\n test", n: '18446744073709551615', a: ["x'y", 'b\\c', ''], m: { k: "v'" }, z: null }]);
    const long = 'x'.repeat(10_000); // past the client's URL budget: sent as multipart
    const [row] = await (await client.query({ query: 'SELECT length({p:String}) AS l', query_params: { p: long }, format: 'JSONEachRow' })).json<{ l: string }>();
    expect(row.l).toBe('10000');
  });

  it('inserts JSONEachRow sent as the body, with settings (deduplication token) from the URL', async () => {
    await client.command({ query: 'CREATE TABLE t (id UInt32, s String) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100' });
    const values = [{ id: 1, s: 'a' }, { id: 2, s: 'b' }];
    const first = await client.insert({ table: 't', values, format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'tok-1' } });
    expect(first.summary?.written_rows).toBe('2');
    await client.insert({ table: 't', values, format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'tok-1' } });
    const count = await (await client.query({ query: 'SELECT count() AS n FROM t', format: 'JSONEachRow' })).json<{ n: string }>();
    expect(count).toEqual([{ n: '2' }]);
  });

  it('takes INSERT with its data in the body, and gzip both ways', async () => {
    const auth = { 'x-clickhouse-user': 'vigil', 'x-clickhouse-key': TOKEN };
    const put = await fetch(`${server.url}/`, { method: 'POST', headers: { ...auth, 'content-encoding': 'gzip' }, body: gzipSync('INSERT INTO t FORMAT JSONEachRow\n{"id":3,"s":"c"}\n') });
    expect(put.status).toBe(200);
    const res = await fetch(`${server.url}/?enable_http_compression=1&default_format=CSV`, { method: 'POST', headers: { ...auth, 'accept-encoding': 'gzip' }, body: 'SELECT id FROM t ORDER BY id' });
    expect(res.headers.get('x-clickhouse-format')).toBe('CSV');
    expect(await res.text()).toBe('1\n2\n3\n');
    const compressed = createClient({ url: server.url, username: 'vigil', password: TOKEN, compression: { response: true, request: true } });
    await compressed.insert({ table: 't', values: [{ id: 4, s: 'd' }], format: 'JSONEachRow' });
    expect(await (await compressed.query({ query: 'SELECT max(id) AS m FROM t', format: 'JSONEachRow' })).json()).toEqual([{ m: 4 }]);
    await compressed.close();
  });

  it('reports engine errors like ClickHouse: status, exception code header and text', async () => {
    await expect(client.query({ query: 'SELECT * FROM no_such_table' })).rejects.toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' });
    await expect(client.query({ query: 'SELEC 1' })).rejects.toMatchObject({ code: '62', type: 'SYNTAX_ERROR' });
    const res = await fetch(`${server.url}/?query=SELECT%20*%20FROM%20nope`, { headers: { 'x-clickhouse-user': 'vigil', 'x-clickhouse-key': TOKEN } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60');
    const other = createClient({ url: server.url, username: 'vigil', password: TOKEN, database: 'elsewhere' });
    await expect(other.query({ query: 'SELECT 1' })).rejects.toMatchObject({ type: 'UNKNOWN_DATABASE' });
    await other.close();
  });
});
