import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore, ClickHouseStore, migrate, MIGRATIONS, queries, type Store } from '../../analytics/index.js';
import { nanoTime } from '../../ingest/rows.js';
import { INTERNAL_TOKEN, spawnStoreRole, stopProcess, type StoreRole } from '../helpers/roles.js';
import { spawnVigil, type VigilProcess } from '../helpers/vigil-process.js';

/**
 * One set of store behaviours, run against every adapter: chDB always, a ClickHouse
 * server when CLICKHOUSE_URL is set (e.g. http://default:@127.0.0.1:8123).
 */
interface Adapter {
  name: string;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-store-contract-'));
const adapters: Adapter[] = [
  { name: 'chdb', open: async () => new ChdbStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) },
];
const serverUrl = process.env.CLICKHOUSE_URL;
if (serverUrl) {
  const url = new URL(serverUrl);
  const options = {
    url: `${url.protocol}//${url.host}`,
    username: decodeURIComponent(url.username) || 'default',
    password: decodeURIComponent(url.password),
    database: `vigil_contract_${Date.now()}`,
    requestTimeoutMs: 30_000,
  };
  adapters.push({
    name: 'clickhouse server',
    open: async () => {
      await ClickHouseStore.ensureDatabase(options);
      return new ClickHouseStore(options);
    },
    cleanup: async () => {
      const admin = new ClickHouseStore({ ...options, database: 'default' });
      await admin.exec(`DROP DATABASE IF EXISTS ${options.database}`);
      await admin.close();
    },
  });
} else {
  console.warn('store contract: CLICKHOUSE_URL is not set, running the server adapter against a store role only');
}

// The ClickHouse-server adapter for real, without a ClickHouse server: a `vigil start --role store`
// process serves its embedded engine over the ClickHouse HTTP interface.
let storeRole: StoreRole | undefined;
adapters.push({
  name: 'clickhouse server adapter → store role (ClickHouse HTTP interface)',
  open: async () => {
    storeRole = await spawnStoreRole();
    return emptied(new ClickHouseStore({ url: storeRole.clickhouseUrl, username: 'vigil', password: INTERNAL_TOKEN, database: 'vigil', requestTimeoutMs: 30_000 }));
  },
  cleanup: async () => {
    await stopProcess(storeRole);
    if (storeRole) rmSync(storeRole.dataDir, { recursive: true, force: true });
  },
});

// The same through an embedded Vigil node (`vigil start`): user vigil with the internal token has
// full access on its ClickHouse HTTP interface, so other processes can use its store.
let node: (VigilProcess & { dataDir: string }) | undefined;
adapters.push({
  name: 'clickhouse server adapter → embedded Vigil node (user vigil, internal token)',
  open: async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-contract-node-'));
    node = { ...(await spawnVigil(['--data-dir', dataDir, '--ttl-days', '0'], { VIGIL_AUTH_INTERNAL_TOKEN: INTERNAL_TOKEN, VIGIL_DETECT_ENABLED: 'false', VIGIL_LOGS_TEMPLATES_ENABLED: 'false' })), dataDir };
    const url = /ClickHouse HTTP interface \(SQL sandbox\): (http:\/\/\S+)/.exec(node.output())![1];
    return emptied(new ClickHouseStore({ url, username: 'vigil', password: INTERNAL_TOKEN, database: 'default', requestTimeoutMs: 30_000 }));
  },
  cleanup: async () => {
    await stopProcess(node);
    if (node) rmSync(node.dataDir, { recursive: true, force: true });
  },
});

/** The process migrated its engine at start; the contract starts from an empty database. */
async function emptied(store: ClickHouseStore): Promise<Store> {
  const tables = await store.query<{ name: string; engine: string }>('SELECT name, engine FROM system.tables WHERE database = currentDatabase()');
  for (const t of [...tables].sort((a, b) => Number(b.engine === 'MaterializedView') - Number(a.engine === 'MaterializedView'))) {
    await store.exec(`DROP TABLE IF EXISTS \`${t.name}\` SYNC`);
  }
  return store;
}

const logRow = (i: number, service = 'contract') => ({
  Timestamp: nanoTime(1_767_225_600_000_000_000n + BigInt(i)),
  TraceId: '', SpanId: '', TraceFlags: 0, SeverityText: i % 2 ? 'ERROR' : 'INFO', SeverityNumber: i % 2 ? 17 : 9,
  ServiceName: service, Body: `line ${i} with 'quotes' and \\ backslash`, ResourceSchemaUrl: '',
  ResourceAttributes: { 'service.name': service }, ScopeSchemaUrl: '', ScopeName: 's', ScopeVersion: '', ScopeAttributes: {},
  LogAttributes: { i: String(i) },
});
const jsonEachRow = (rows: object[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));

for (const adapter of adapters) {
  describe(`Store contract: ${adapter.name}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await adapter.open();
    });
    afterAll(async () => {
      await store?.close();
      await adapter.cleanup();
    });

    it('applies every migration once', async () => {
      const first = await migrate(store, { ttlDays: 0 });
      expect(first.applied).toHaveLength(MIGRATIONS.length);
      expect((await migrate(store, { ttlDays: 0 })).applied).toEqual([]);
    });

    it('inserts JSONEachRow and drops a retried batch with the same deduplication token', async () => {
      const body = jsonEachRow([0, 1, 2, 3].map((i) => logRow(i)));
      await store.insertJsonEachRow('otel_logs', body, { dedupToken: 'contract-batch-1' });
      await store.insertJsonEachRow('otel_logs', body, { dedupToken: 'contract-batch-1' });
      await store.insertJsonEachRow('otel_logs', jsonEachRow([logRow(4)]), { dedupToken: 'contract-batch-2' });
      expect((await queries.stats(store)).logs).toBe(5);
    });

    it('binds parameters server-side (no injection) and quotes 64-bit integers', async () => {
      const rows = await store.query<{ body: string; n: string }>(
        `SELECT Body AS body, toUInt64(count()) AS n FROM otel_logs WHERE Body = {b:String} GROUP BY Body`,
        { b: "line 1 with 'quotes' and \\ backslash" },
      );
      expect(rows).toEqual([{ body: "line 1 with 'quotes' and \\ backslash", n: '1' }]);
      const none = await store.query(`SELECT 1 FROM otel_logs WHERE ServiceName = {s:String}`, { s: "x' OR '1'='1" });
      expect(none).toEqual([]);
    });

    it('keeps nanoseconds and maps', async () => {
      const [row] = await store.query<{ ns: string; attrs: Record<string, string> }>(
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, LogAttributes AS attrs FROM otel_logs WHERE LogAttributes['i'] = '3'`,
      );
      expect(row).toEqual({ ns: '1767225600000000003', attrs: { i: '3' } });
    });

    it('maintains the log rollup and serves named queries', async () => {
      const perMinute = await store.query<{ n: string }>(`SELECT sum(Count) AS n FROM logs_per_minute WHERE ServiceName = 'contract'`);
      expect(perMinute[0].n).toBe('5');
      const logs = await queries.searchLogs(store, { service: 'contract', sinceNs: 0n, untilNs: 2n ** 62n, q: 'LINE 2', limit: 10 });
      expect(logs.map((l) => l.body)).toEqual(["line 2 with 'quotes' and \\ backslash"]);
      const services = await queries.services(store, { sinceSec: 0, untilSec: 2 ** 31 });
      expect(services).toEqual([expect.objectContaining({ name: 'contract', logs: 5 })]);
    });

    it('returns raw bytes in other formats and applies per-query settings', async () => {
      const csv = await store.queryRaw('SELECT number FROM system.numbers LIMIT 3', 'CSV');
      expect(csv.toString()).toBe('0\n1\n2\n');
      await expect(store.query('SELECT number FROM system.numbers LIMIT 100', {}, { settings: { max_result_rows: 10, result_overflow_mode: 'throw' } }))
        .rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    });

    it('reports engine errors as STORE_UNAVAILABLE without a stack in the message', async () => {
      await expect(store.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('inserts JSONCompactEachRow with its column list (the ingest writer\'s logs format), deduplicated too', async () => {
      const row = { ...logRow(10, 'compact'), TemplateId: 't1' };
      const columns = Object.keys(row);
      const body = Buffer.from(JSON.stringify(Object.values(row)));
      await store.insertRows('otel_logs', body, { format: 'JSONCompactEachRow', columns, dedupToken: 'contract-compact-1' });
      await store.insertRows('otel_logs', body, { format: 'JSONCompactEachRow', columns, dedupToken: 'contract-compact-1' });
      const rows = await store.query<{ Body: string; TemplateId: string; LogAttributes: Record<string, string> }>(
        `SELECT Body, TemplateId, LogAttributes FROM otel_logs WHERE ServiceName = 'compact'`,
      );
      expect(rows).toEqual([{ Body: row.Body, TemplateId: 't1', LogAttributes: { i: '10' } }]);
    });
  });
}
