import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbStore } from '../../analytics/index.js';
import { spawnVigil, waitForExit } from '../helpers/vigil-process.js';

/**
 * The delivery promise under a crash: clients send while the process is SIGKILLed;
 * after a restart every record that got a 2xx is stored, and none is stored twice.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const RECORDS_PER_REQUEST = 50;

function body(client: number, seq: number): string {
  const logRecords = Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => ({
    timeUnixNano: String(BigInt(Date.now()) * 1_000_000n + BigInt(i)),
    body: { stringValue: `rec-${client}-${seq}-${i}` },
  }));
  return JSON.stringify({
    resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'crash' } }] }, scopeLogs: [{ logRecords }] }],
  });
}

describe('SIGKILL while clients send', () => {
  it('keeps every acknowledged record exactly once', async () => {
    const first = await spawnVigil(['--data-dir', dataDir]);
    const acked = new Set<string>();
    let stop = false;
    const clients = Array.from({ length: 4 }, async (_, client) => {
      for (let seq = 0; !stop; seq++) {
        try {
          const res = await fetch(`${first.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body(client, seq) });
          if (res.ok) acked.add(`${client}-${seq}`);
        } catch {
          // connection refused or reset: the process is gone, nothing was promised
        }
      }
    });
    await new Promise((r) => setTimeout(r, 2_500));
    first.child.kill('SIGKILL');
    await waitForExit(first.child);
    stop = true;
    await Promise.all(clients);
    expect(acked.size).toBeGreaterThan(10);

    // Restart on the same data: it must come up and serve what was committed.
    const second = await spawnVigil(['--data-dir', dataDir]);
    let statsLogs: number;
    try {
      const stats = (await (await fetch(`${second.url}/api/v1/stats`)).json()) as { logs: number };
      statsLogs = stats.logs;
    } finally {
      second.child.kill('SIGTERM');
      await waitForExit(second.child);
    }

    // Read the data directory directly (this test process has not opened chDB before).
    const store = new ChdbStore(dataDir);
    try {
      const rows = await store.query<{ id: string; n: string }>(
        `SELECT arrayStringConcat(arraySlice(splitByChar('-', Body), 2, 2), '-') AS id, count() AS n FROM otel_logs GROUP BY id`,
      );
      const perRequest = new Map(rows.map((r) => [r.id, Number(r.n)]));
      const missing = [...acked].filter((id) => perRequest.get(id) !== RECORDS_PER_REQUEST);
      expect(missing).toEqual([]);
      const doubled = [...perRequest].filter(([, n]) => n > RECORDS_PER_REQUEST);
      expect(doubled).toEqual([]);
      expect(statsLogs).toBe(rows.reduce((a, r) => a + Number(r.n), 0));
    } finally {
      await store.close();
    }
  });
});
