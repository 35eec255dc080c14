import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbStore, queries } from '../../analytics/index.js';
import backfillCommand from '../../api/cli/commands/detect-backfill.js';
import { startTestVigil } from '../helpers/embedded.js';
import { sink } from '../helpers/sink.js';
import { BASE_MS, gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';

/**
 * `vigil detect backfill` over history ingested with live detection off: a gauge that
 * shifts level and an error-log burst are found from the store (metric table and the
 * log rollup), with scores written for the charts.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-backfill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const MINUTES = 330;
const SHIFT = 300;
const BURST = 310;

function logsBody(fromMinute: number, toMinute: number): string {
  const records = [];
  for (let m = fromMinute; m < toMinute; m++) {
    const errors = m === BURST ? 60 : m % 7 === 0 ? 1 : 0;
    for (let i = 0; i < 5 + errors; i++) {
      records.push({
        timeUnixNano: `${BigInt(BASE_MS + m * MINUTE_MS + i * 100) * 1_000_000n}`,
        severityText: i < errors ? 'ERROR' : 'INFO',
        body: { stringValue: i < errors ? `payment ${m}-${i} failed` : `served ${m}-${i}` },
      });
    }
  }
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'billing' } }] }, scopeLogs: [{ logRecords: records }] }] });
}


describe('vigil detect backfill', () => {
  it('finds the anomalies of stored history', async () => {
    const vigil = await startTestVigil({ 'store.dataDir': dataDir, 'detect.enabled': false });
    const noise = seededNoise(5);
    const points = Array.from({ length: MINUTES }, (_, m) => [BASE_MS + m * MINUTE_MS, 50 + noise() + (m >= SHIFT ? 20 : 0)] as [number, number]);
    await postMetrics(vigil.url, gaugeBody('billing', 'invoices.pending', {}, points));
    const res = await fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: logsBody(0, MINUTES) });
    expect(res.status).toBe(200);
    await vigil.close();

    const stdout = sink();
    const stderr = sink();
    const code = await backfillCommand.run({
      flags: { 'data-dir': dataDir, 'ttl-days': 0, 'log-level': 'silent', since: new Date(BASE_MS).toISOString(), until: new Date(BASE_MS + MINUTES * MINUTE_MS).toISOString() },
      args: [],
      stdout,
      stderr,
    });
    expect(code).toBe(0);
    expect(stdout.text).toMatch(/\d+ series, \d+ points scored, \d+ anomalies/);
    expect(stderr.text).toMatch(/detect backfill 100%/);

    const store = new ChdbStore(dataDir);
    try {
      const found = await queries.searchAnomalies(store, { sinceMs: BASE_MS, untilMs: BASE_MS + MINUTES * MINUTE_MS, service: 'billing', limit: 100 });
      const startsOf = (key: string) => found.filter((a) => a.seriesKey === key).map((a) => (a.startMs - BASE_MS) / MINUTE_MS);
      expect(startsOf('metric:billing:invoices.pending:value')).toContain(SHIFT);
      expect(startsOf('log_rate:billing:ERROR:count')).toContain(BURST);
      const scores = await queries.seriesScores(store, 'metric:billing:invoices.pending:value', { sinceMs: BASE_MS, untilMs: BASE_MS + MINUTES * MINUTE_MS });
      expect(scores.timesMs).toHaveLength(MINUTES);
      // Zero-filled minutes without errors are scored too.
      const errors = await queries.seriesScores(store, 'log_rate:billing:ERROR:count', { sinceMs: BASE_MS, untilMs: BASE_MS + MINUTES * MINUTE_MS });
      expect(errors.values.filter((v) => v === 0).length).toBeGreaterThan(200);
      expect(await queries.detectorStateCount(store)).toBe(0); // offline runs leave live state alone
    } finally {
      await store.close();
    }
  });
});
