import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nanoTime, ZERO_TIME } from '../ingest/rows.js';
import { ChdbStore } from './chdb-store.js';

/** The NanoTime text ingest writes must load into DateTime64(9) exactly, for any time since the epoch. */
describe('NanoTime into DateTime64(9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-nanotime-'));
  const store = new ChdbStore(dir);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips the epoch, early times and nanosecond precision', async () => {
    await store.exec('CREATE TABLE t (i UInt32, ts DateTime64(9)) ENGINE = MergeTree ORDER BY i');
    const times = [0n, 1n, 999_999_999n, 1_000_000_001n, 99_999_999_000_000_123n, 1_767_225_600_123_456_789n];
    const body = [ZERO_TIME, ...times.map(nanoTime)].map((ts, i) => JSON.stringify({ i, ts })).join('\n');
    await store.insertJsonEachRow('t', Buffer.from(body));
    const rows = await store.query<{ ns: string }>('SELECT toString(toUnixTimestamp64Nano(ts)) AS ns FROM t ORDER BY i');
    expect(rows.map((r) => r.ns)).toEqual(['0', ...times.map(String)]);
  });
});
