import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { findProgram, freePort } from '../helpers/programs.js';

/** A real Prometheus (Debian package) scrapes itself and remote-writes to Vigil. */
const prometheus = findProgram('prometheus', 'apt-get install prometheus');

describe.skipIf(!prometheus)('Prometheus remote write', () => {
  let vigil: TestVigil;
  let child: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-prom-'));
  let log = '';

  beforeAll(async () => {
    vigil = await startTestVigil();
    const port = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), `global:
  scrape_interval: 1s
scrape_configs:
  - job_name: prom-self
    static_configs:
      - targets: ['127.0.0.1:${port}']
remote_write:
  - url: ${vigil.url}/api/v1/write
    queue_config:
      batch_send_deadline: 1s
      max_samples_per_send: 2000
`);
    child = spawn(prometheus!, [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (log += d));
    child.stderr!.on('data', (d) => (log += d));
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await vigil?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the series and samples Prometheus sends', async () => {
    const rows = await eventually(async () => {
      const found = await vigil.store.query<any>(
        `SELECT MetricName, ServiceName, Attributes, ResourceAttributes, Value FROM otel_metrics_gauge
         WHERE MetricName = 'up' AND ServiceName = 'prom-self' LIMIT 1`,
      );
      return found.length > 0 ? found : undefined;
    }, 40_000).catch((err) => {
      throw new Error(`${err.message}\nprometheus log:\n${log.slice(-3000)}`);
    });
    expect(rows[0].Value).toBe(1);
    expect(rows[0].ResourceAttributes).toMatchObject({ 'service.name': 'prom-self' });
    const counters = await vigil.store.query<any>(
      `SELECT count() AS n FROM otel_metrics_sum WHERE ServiceName = 'prom-self' AND MetricName LIKE '%_total' AND IsMonotonic`,
    );
    expect(Number(counters[0].n)).toBeGreaterThan(0);
    const stats = await getJson(`${vigil.url}/api/v1/stats`);
    expect(stats.metricPoints).toBeGreaterThan(10);
  });
});
