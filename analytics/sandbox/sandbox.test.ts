import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore } from '../chdb-store.js';
import { migrate } from '../migrate.js';
import { SqlSandbox } from './sandbox.js';

/** The sandbox on the real engine: what it refuses, the limits it enforces, and that refused statements change nothing. */
const dir = mkdtempSync(join(tmpdir(), 'vigil-sandbox-'));
const store = new ChdbStore(dir);
const sandbox = new SqlSandbox(store, { maxExecutionSeconds: 1, maxResultRows: 1000, maxResultBytes: 1 << 20, maxMemoryBytes: 128 << 20 });
const secretFile = join(dir, 'secret.txt');

const rows = async (sql: string, params?: Record<string, unknown>) =>
  (await sandbox.run(sql, 'JSONEachRow', params)).bytes.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const refused = (sql: string, code = 'SQL_FORBIDDEN', params?: Record<string, unknown>) =>
  expect(sandbox.run(sql, 'JSONEachRow', params), sql).rejects.toMatchObject({ code });

/** Everything the store holds, to show a refused statement changed nothing. */
async function fingerprint(): Promise<string> {
  const tables = await store.query<{ name: string; engine: string }>("SELECT name, engine FROM system.tables WHERE database = currentDatabase() ORDER BY name");
  const counts = await Promise.all(tables.filter((t) => t.engine.endsWith('MergeTree')).map(async (t) => `${t.name}=${(await store.query<{ n: string }>(`SELECT count() AS n FROM \`${t.name}\``))[0].n}`));
  return JSON.stringify({ tables, counts });
}

beforeAll(async () => {
  await migrate(store, { ttlDays: 0 });
  writeFileSync(secretFile, 'top secret\n');
  await store.exec(`INSERT INTO api_tokens (Id, Name, Hash) VALUES ('t1', 'root', 'deadbeef')`);
  await store.exec(`INSERT INTO events (Id, Source, Type, Time) VALUES ('e1', '/ci', 'dev.cdevents.service.deployed.0.1.1', now64(9))`);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SQL sandbox: what it runs', () => {
  it('runs SELECT, WITH, SHOW, DESCRIBE and EXPLAIN on allowlisted tables', async () => {
    expect(await rows('SELECT count() AS n FROM events')).toEqual([{ n: '1' }]);
    expect(await rows('WITH recent AS (SELECT Id FROM events) SELECT Id FROM recent')).toEqual([{ Id: 'e1' }]);
    expect(await rows('SELECT number FROM numbers(3) WHERE number IN (SELECT number FROM system.numbers LIMIT 2)')).toHaveLength(2);
    expect((await rows('SHOW TABLES')).map((r) => r.name)).toContain('otel_logs');
    expect((await rows('DESCRIBE TABLE otel_logs')).map((r) => r.name)).toContain('Body');
    expect((await rows('EXPLAIN SELECT count() FROM otel_logs')).length).toBeGreaterThan(0);
    expect((await rows("SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'otel_logs'"))).toEqual([{ name: 'otel_logs' }]);
    expect(await rows('SELECT 1 AS x; ')).toEqual([{ x: 1 }]);
  });

  it('binds params server-side: injection attempts are inert values', async () => {
    const evil = ["e1' OR '1'='1", "x'; DROP TABLE events; --", 'e1\\', "') UNION ALL SELECT Hash FROM api_tokens --"];
    for (const id of evil) expect(await rows('SELECT Id FROM events WHERE Id = {id:String}', { id })).toEqual([]);
    expect(await rows('SELECT {s:String} AS s', { s: evil[1] })).toEqual([{ s: evil[1] }]);
    // An Identifier parameter is checked after substitution, like a table written in the query.
    await refused('SELECT * FROM {t:Identifier}', 'SQL_FORBIDDEN', { t: 'api_tokens' });
    expect(await rows('SELECT count() AS n FROM {t:Identifier}', { t: 'events' })).toEqual([{ n: '1' }]);
    expect(await rows('SELECT count() AS n FROM events')).toEqual([{ n: '1' }]);
  });
});

describe('SQL sandbox: what it refuses, changing nothing', () => {
  let before: string;
  beforeAll(async () => {
    before = await fingerprint();
  });
  afterAll(async () => {
    expect(await fingerprint()).toBe(before);
  });

  it('refuses writes and DDL', async () => {
    for (const sql of [
      "INSERT INTO events (Id) VALUES ('x')",
      "INSERT INTO events SELECT * FROM events",
      'CREATE TABLE x (a UInt8) ENGINE = Memory',
      'DROP TABLE events',
      'TRUNCATE TABLE events',
      'ALTER TABLE events DELETE WHERE 1',
      'DELETE FROM events WHERE 1',
      'OPTIMIZE TABLE events FINAL',
      'RENAME TABLE events TO e2',
      'SYSTEM FLUSH LOGS',
      'KILL QUERY WHERE 1',
      'CREATE USER x',
      'GRANT ALL ON *.* TO default',
      'SELECT 1; DROP TABLE events',
      'SELECT 1 INTO OUTFILE \'/tmp/vigil-outfile\'',
      'CHECK TABLE events',
      'USE system',
    ]) await refused(sql);
  });

  it('refuses SET and any SETTINGS clause, and client settings that touch limits', async () => {
    await refused('SET max_execution_time = 1000');
    await refused('SET readonly = 0');
    await refused('SELECT 1 SETTINGS max_result_rows = 100000000');
    await refused('SELECT 1 SETTINGS readonly = 0');
    await refused('SELECT * FROM (SELECT 1 SETTINGS max_execution_time = 10000)');
    await refused('SELECT 1 UNION ALL SELECT 2 SETTINGS max_memory_usage = 0');
    await refused('EXPLAIN PIPELINE SELECT 1 SETTINGS max_threads = 1');
    await expect(sandbox.run('SELECT 1', 'JSONEachRow', {}, { max_result_rows: 0 })).rejects.toMatchObject({ code: 'SQL_FORBIDDEN' });
    await expect(sandbox.run('SELECT 1', 'JSONEachRow', {}, { readonly: 0 })).rejects.toMatchObject({ code: 'SQL_FORBIDDEN' });
    await expect(sandbox.run('SELECT 1', 'JSONEachRow', {}, { max_execution_time: 0 })).rejects.toMatchObject({ code: 'SQL_FORBIDDEN' });
    await expect(sandbox.run('SELECT 1', 'JSONEachRow', {}, { format_schema: 'x' })).rejects.toMatchObject({ code: 'SQL_FORBIDDEN' });
  });

  it('refuses every table function that reaches files, URLs, other servers or the environment', async () => {
    for (const call of [
      `file('${secretFile}', 'LineAsString')`,
      "url('http://127.0.0.1:1/x', 'CSV', 'a String')",
      "s3('http://127.0.0.1:1/b/x.csv', 'CSV')",
      "s3Cluster('c', 'http://127.0.0.1:1/b/x.csv')",
      "hdfs('hdfs://127.0.0.1:1/x', 'CSV', 'a String')",
      "remote('127.0.0.1:9000', system.one)",
      "remoteSecure('127.0.0.1:9440', system.one)",
      "cluster('default', system.one)",
      "mysql('127.0.0.1:3306', 'db', 't', 'u', 'p')",
      "postgresql('127.0.0.1:5432', 'db', 't', 'u', 'p')",
      "mongodb('127.0.0.1:27017', 'db', 'c', 'u', 'p', 'a String')",
      "redis('127.0.0.1:6379', 'k', 'k String')",
      "sqlite('/tmp/x.db', 't')",
      "odbc('DSN=x', 't')",
      "jdbc('jdbc:x', 't')",
      "executable('cat /etc/passwd', 'LineAsString', 'a String')",
      "input('a String')",
      "azureBlobStorage('http://127.0.0.1:1', 'c', 'x.csv')",
      "gcs('http://127.0.0.1:1/b/x.csv', 'CSV')",
      "iceberg('http://127.0.0.1:1/b/t')",
      "deltaLake('http://127.0.0.1:1/b/t')",
      "merge(currentDatabase(), '.*')",
      "loop(api_tokens)",
      "dictionary('d')",
      "view(SELECT * FROM api_tokens)",
      "format(CSV, '1')",
      "generateRandom('a String')",
    ]) {
      await refused(`SELECT * FROM ${call}`);
      await refused(`DESCRIBE ${call}`);
    }
    await refused(`SELECT file('${secretFile}')`);
    await refused(`SELECT FILE('${secretFile}')`);
    await refused("SELECT dictGet('d', 'a', 1)");
    await refused("SELECT joinGet('j', 'a', 1)");
  });

  it('refuses tables outside the allowlist, however they are named', async () => {
    for (const sql of [
      'SELECT * FROM api_tokens',
      'SELECT * FROM `api_tokens`',
      'SELECT * FROM default.api_tokens',
      'SELECT * FROM audit_log',
      'SELECT * FROM vigil_migrations',
      'SELECT * FROM detector_state',
      'SELECT * FROM events WHERE Id IN (SELECT Hash FROM api_tokens)',
      'SELECT * FROM events WHERE Id IN api_tokens',
      'SELECT * FROM events JOIN api_tokens ON 1',
      'WITH x AS (SELECT * FROM api_tokens) SELECT * FROM x',
      'SELECT (SELECT any(Hash) FROM api_tokens)',
      'SHOW CREATE TABLE api_tokens',
      'DESCRIBE TABLE api_tokens',
      'EXPLAIN SELECT * FROM api_tokens',
      'SELECT * FROM system.processes',
      'SELECT * FROM system.query_log',
      'SELECT * FROM system.users',
      'SELECT * FROM system.disks',
      'SHOW PROCESSLIST',
      'SHOW GRANTS',
      'SELECT * FROM other_db.events',
    ]) await refused(sql);
  });

  it('stops a query past the time limit and a result past the row or byte limit', async () => {
    await refused('SELECT count() FROM system.numbers', 'SQL_TIMEOUT');
    await refused('SELECT number FROM system.numbers LIMIT 5000', 'SQL_RESULT_TOO_LARGE');
    await refused("SELECT repeat('x', 10000) FROM numbers(1000)", 'SQL_RESULT_TOO_LARGE'); // a constant column: counted as sent
    await refused("SELECT materialize(repeat('x', 10000)) FROM numbers(1000)", 'SQL_RESULT_TOO_LARGE');
    await refused('SELECT length(groupArray(range(1000))) FROM numbers(1000000)', 'SQL_MEMORY_LIMIT');
    // A query that fails mid-output leaves nothing behind for the next one (chDB would prepend it).
    await expect(sandbox.run('SELECT count() FROM system.numbers', 'JSON')).rejects.toMatchObject({ code: 'SQL_TIMEOUT' });
    expect(await store.query('SELECT 1 AS x')).toEqual([{ x: 1 }]);
    await expect(sandbox.run('SELECT number FROM system.numbers', 'JSONEachRow')).rejects.toMatchObject({ code: 'SQL_RESULT_TOO_LARGE' });
    expect(await rows('SELECT 2 AS x')).toEqual([{ x: 2 }]);
  });

  it('reports bad SQL as SQL_INVALID with the engine\'s reason', async () => {
    await expect(sandbox.run('SELEC 1', 'JSONEachRow')).rejects.toMatchObject({ code: 'SQL_INVALID', message: expect.stringMatching(/^Syntax error/) });
    await expect(sandbox.run('SELEC 1', 'JSONEachRow')).rejects.toMatchObject({ message: expect.not.stringMatching(/formatQuery|DB::Exception|version/) });
    await expect(sandbox.run('SELECT nope FROM events', 'JSONEachRow')).rejects.toMatchObject({ code: 'SQL_INVALID', message: expect.stringMatching(/^Unknown expression identifier `nope` in scope SELECT nope FROM events/) });
    await expect(sandbox.run('SELECT nope FROM events', 'JSONEachRow')).rejects.toMatchObject({ message: expect.not.stringMatching(/readonly/) });
    await expect(sandbox.run('SELECT 1', 'CapnProto')).rejects.toMatchObject({ code: 'SQL_FORBIDDEN' });
  });
});
