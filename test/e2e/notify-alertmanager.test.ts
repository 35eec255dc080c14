import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore, migrate } from '../../analytics/index.js';
import { loadConfig } from '../../api/config/load.js';
import type { ConfigKey } from '../../api/config/schema.js';
import { createLogger } from '../../api/logger.js';
import { createNotifier, type Notifier } from '../../api/notify/index.js';
import { eventually } from '../helpers/embedded.js';
import { INCIDENT_START_MS, transition } from '../helpers/incident-fixture.js';
import { findProgram, freePort } from '../helpers/programs.js';

/** A real Alertmanager (Debian package) on loopback receives Vigil's alerts through its v2 API. */
const alertmanager = findProgram('prometheus-alertmanager', 'apt-get install prometheus-alertmanager');

describe.skipIf(!alertmanager)('Alertmanager channel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-alertmanager-'));
  let child: ChildProcess | undefined;
  let log = '';
  let amUrl = '';
  let store: ChdbStore;
  let notifier: Notifier;

  const config = (extra: Partial<Record<ConfigKey, unknown>> = {}) =>
    loadConfig({
      env: {},
      overrides: {
        'notify.channels': JSON.stringify([{ name: 'team-am', type: 'alertmanager', url: amUrl }]),
        'notify.allowPrivateTargets': true,
        'notify.publicUrl': 'https://vigil.example.com',
        // Re-post firing alerts every second (endsAt 4 s ahead), so the test sees refreshes.
        'notify.alertmanagerResendSeconds': 1,
        ...extra,
      },
    });

  const alerts = async (): Promise<any[]> => {
    const res = await fetch(`${amUrl}/api/v2/alerts`);
    if (!res.ok) throw new Error(`GET /api/v2/alerts: ${res.status}`);
    return ((await res.json()) as any[]).filter((a) => a.labels.incident_id === 'inc-am');
  };

  beforeAll(async () => {
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n');
    child = spawn(alertmanager!, [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=', // no gossip: a single test instance
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
    await eventually(async () => (await fetch(`${amUrl}/-/ready`)).ok, 20_000).catch((err) => {
      throw new Error(`${err.message}\nalertmanager log:\n${log.slice(-3000)}`);
    });

    store = new ChdbStore(join(dir, 'chdb'));
    await migrate(store, { ttlDays: 0 });
    notifier = await createNotifier({ config: config(), store, logger: createLogger('silent') });
  });

  afterAll(async () => {
    await notifier?.close();
    await store?.close();
    child?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows Vigil\'s alert in its API while the incident is open, and ends it on resolve', async () => {
    const before = Date.now();
    await notifier.handle([transition('inc-am', 'opened', 1)]);
    await notifier.idle();
    const [alert] = await eventually(async () => {
      const found = await alerts();
      return found.length > 0 && found;
    }, 10_000);
    expect(alert.labels).toEqual({ alertname: 'VigilIncident', service: 'payments', severity: 'critical', fingerprint: 'fp-inc-am', incident_id: 'inc-am' });
    expect(alert.annotations).toMatchObject({ summary: 'checkout latency p95 5x above expected', services: 'checkout, payments' });
    expect(alert.annotations.description).toContain('Top suspect: payments (payments)');
    expect(alert.generatorURL).toBe('https://vigil.example.com/#/incidents/inc-am');
    expect(Date.parse(alert.startsAt)).toBe(INCIDENT_START_MS);
    // Firing: kept alive four resend intervals ahead, as Prometheus does.
    expect(Date.parse(alert.endsAt)).toBeGreaterThanOrEqual(before + 4_000);
    expect(alert.status.state).toBe('active');

    // Alertmanager has no acknowledge: recorded as skipped, the alert stays.
    await notifier.handle([transition('inc-am', 'acknowledged', 2)]);
    await notifier.idle();
    expect(await alerts()).toHaveLength(1);

    // A restarted notifier keeps the alert alive: it re-posts it every resend interval.
    await notifier.close();
    const [left] = await alerts();
    notifier = await createNotifier({ config: config(), store, logger: createLogger('silent') });
    await eventually(async () => Date.parse((await alerts())[0]?.endsAt) > Date.parse(left.endsAt), 10_000);

    await notifier.handle([transition('inc-am', 'resolved', 3)]);
    await notifier.idle();
    await eventually(async () => (await alerts()).length === 0, 10_000);

    const log = await notifier.deliveries({ incidentId: 'inc-am' });
    expect(log.map((d) => [d.version, d.action, d.status]).sort()).toEqual([
      [1, 'trigger', 'delivered'],
      [2, 'acknowledge', 'skipped'],
      [3, 'resolve', 'delivered'],
    ]);
  });
});
