import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config/load.js';
import { startVigil, type Vigil } from '../../api/engine.js';
import { createLogger } from '../../api/logger.js';
import { eventually, getJson } from '../helpers/embedded.js';

/**
 * Logs sent over OTLP are stored with their template id; patterns are served with
 * counts and samples, logs can be filtered by pattern, and ids survive a restart.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-patterns-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<Vigil> {
  const config = loadConfig({ env: {}, overrides: { 'server.port': 0, 'clickhouse.enabled': false, 'store.dataDir': dataDir, 'store.ttlDays': 0, 'log.level': 'silent' } });
  return startVigil(config, createLogger('silent'));
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
async function sendLogs(url: string, lines: Array<{ body: string; severity?: string }>) {
  const base = nowNs();
  const logRecords = lines.map((l, i) => ({
    timeUnixNano: String(base + BigInt(i)),
    severityText: l.severity ?? 'INFO',
    severityNumber: l.severity === 'ERROR' ? 17 : 9,
    body: { stringValue: l.body },
  }));
  const res = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] }, scopeLogs: [{ logRecords }] }] }),
  });
  expect(res.status).toBe(200);
}

const connectionLines = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({ body: `Accepted connection from 10.0.${i % 7}.${(i + offset) % 250} port ${40000 + i + offset} user=u${(i * 13) % 97}` }));

describe('log patterns', () => {
  let firstId = '';

  it('stores template ids and serves patterns with counts and samples', async () => {
    const vigil = await start();
    try {
      await sendLogs(vigil.url, [...connectionLines(40), { body: 'disk /dev/sda1 is 97% full', severity: 'ERROR' }, { body: 'disk /dev/sdb2 is 91% full', severity: 'ERROR' }]);
      // Every row carries a template id. An online miner hands out specific templates to the
      // first lines it sees and generalises them as variation appears; the API folds the
      // former ids into the current one.
      const rows = await vigil.store.query<{ TemplateId: string }>(`SELECT DISTINCT TemplateId FROM otel_logs`);
      expect(rows.every((r) => /^[0-9a-f]{16}$/.test(r.TemplateId))).toBe(true);

      const { patterns } = await eventually(async () => {
        const body = await getJson(`${vigil.url}/api/v1/patterns?since=now-1h&until=now%2B1m`);
        return body.patterns.length === 2 && body.patterns.every((p: any) => p.template) ? body : undefined;
      });
      expect(patterns[0]).toMatchObject({ count: 40, isNew: true, services: ['api'] });
      firstId = patterns[0].id;
      expect(patterns[0].template).toMatch(/^Accepted connection from <\*> port <\*> user=<\*>$/);
      expect(patterns[1].template).toMatch(/^disk <\*> is <\*>%? full$/);
      expect(patterns[1].maxSeverityNumber).toBe(17);
      expect(patterns[0].sparkline.reduce((a: number, [, n]: [number, number]) => a + n, 0)).toBe(40);

      const errors = await getJson(`${vigil.url}/api/v1/patterns?severity=ERROR&until=now%2B1m`);
      expect(errors.patterns.map((p: any) => p.id)).toEqual([patterns[1].id]);

      const detail = await getJson(`${vigil.url}/api/v1/patterns/${firstId}?until=now%2B1m`);
      expect(detail.samples.length).toBeGreaterThan(0);
      expect(detail.samples[0]).toMatch(/^Accepted connection from/);

      const logs = await getJson(`${vigil.url}/api/v1/logs?template=${patterns[1].id}&until=now%2B1m`);
      expect(logs.logs.map((l: any) => l.body).sort()).toEqual(['disk /dev/sda1 is 97% full', 'disk /dev/sdb2 is 91% full']);

      const missing = await fetch(`${vigil.url}/api/v1/patterns/0123456789abcdef`);
      expect(missing.status).toBe(404);
    } finally {
      await vigil.close();
    }
  });

  it('keeps template ids across a restart', async () => {
    const vigil = await start();
    try {
      await sendLogs(vigil.url, connectionLines(5, 100));
      // The restored miner puts new lines of a known pattern under the same id at once.
      const latest = await vigil.store.query<{ TemplateId: string }>(
        `SELECT TemplateId FROM otel_logs WHERE Body LIKE 'Accepted%' ORDER BY Timestamp DESC LIMIT 5`,
      );
      expect(new Set(latest.map((r) => r.TemplateId))).toEqual(new Set([firstId]));
      const { patterns } = await eventually(async () => {
        const body = await getJson(`${vigil.url}/api/v1/patterns?until=now%2B1m`);
        return body.patterns[0]?.count === 45 ? body : undefined;
      });
      expect(patterns[0].id).toBe(firstId);
    } finally {
      await vigil.close();
    }
  });
});
