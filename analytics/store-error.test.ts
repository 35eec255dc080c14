import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/helpers/programs.js';
import { ChdbStore } from './chdb-store.js';
import { ClickHouseStore } from './clickhouse-store.js';
import { isPermanentStoreError } from './store-error.js';

describe('isPermanentStoreError', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-store-error-'));
  let store: ChdbStore;

  beforeAll(async () => {
    store = new ChdbStore(dir);
    await store.exec('CREATE TABLE t (x UInt32, at DateTime64(9)) ENGINE = MergeTree ORDER BY x');
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
    try {
      await work();
    } catch (err) {
      return err;
    }
    throw new Error('expected a failure');
  }

  it('is true when the engine refuses the rows themselves (parse and type errors)', async () => {
    expect(isPermanentStoreError(await failureOf(() => store.insertJsonEachRow('t', Buffer.from('{"x":"not a number","at":"2026-01-01 00:00:00"}'))))).toBe(true);
    expect(isPermanentStoreError(await failureOf(() => store.insertJsonEachRow('t', Buffer.from('{"x":1,"at":"yesterday-ish"}'))))).toBe(true);
    expect(isPermanentStoreError(await failureOf(() => store.insertJsonEachRow('t', Buffer.from('{"x":1,'))))).toBe(true);
  });

  it('is false when the store is away or the table is missing (may pass later)', async () => {
    const away = new ClickHouseStore({ url: `http://127.0.0.1:${await freePort()}`, username: 'default', password: '', database: 'default', requestTimeoutMs: 2_000 });
    try {
      expect(isPermanentStoreError(await failureOf(() => away.insertJsonEachRow('t', Buffer.from('{"x":1}'))))).toBe(false);
    } finally {
      await away.close();
    }
    expect(isPermanentStoreError(await failureOf(() => store.insertJsonEachRow('not_yet_migrated', Buffer.from('{"x":1}'))))).toBe(false);
    expect(isPermanentStoreError(new Error('socket hang up'))).toBe(false);
  });
});
