import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sink } from '../helpers/sink.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queries } from '../../analytics/index.js';
import { main } from '../../api/cli/main.js';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { ShopTraces, type ShopMinute } from '../helpers/shop-traces.js';

/**
 * Curated datasets end to end: the list and exports over HTTP and through `vigil dataset
 * export` (CSV, Arrow and Parquet files the engine reads back), an isolation forest trained
 * on the service feature dataset that the live runner then scores a payments outage with,
 * and `vigil train iforest` / `vigil backtest detectors` on the stored history.
 */
const BASE_MS = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const HISTORY = 150;
const FAULT = { from: 150, to: 160 };
const END = 170;
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-datasets-'));
const outDir = mkdtempSync(join(tmpdir(), 'vigil-datasets-out-'));
const shop = new ShopTraces(8, 3);
let vigil: TestVigil | undefined;


async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout: stdout as never, stderr: stderr as never });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function postMinutes(from: number, to: number, failure = 0): Promise<void> {
  for (let start = from; start < to; start += 30) {
    const minutes: ShopMinute[] = [];
    for (let m = start; m < Math.min(to, start + 30); m++) minutes.push({ minuteMs: BASE_MS + m * MINUTE, paymentsFailure: failure, paymentsVersion: '2.0.0' });
    const res = await fetch(`${vigil!.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: shop.body(minutes) });
    expect(res.status).toBe(200);
  }
}

/** A minute of the test as ClickHouse reads a DateTime64 from JSON text: "<seconds>.<ms>". */
const seconds = (minute: number) => `${(BASE_MS + minute * MINUTE) / 1000}.000`;
const range = (from: number, to: number) => `since=${BASE_MS + from * MINUTE}&until=${BASE_MS + to * MINUTE}`;

beforeAll(async () => {
  vigil = await startTestVigil({
    'store.dataDir': dataDir,
    'incidents.enabled': false,
    'datasets.exportChunkMinutes': 30,
    'offline.iforest.intervalSeconds': 1,
    'offline.iforest.lagMinutes': 1,
  });
  await postMinutes(0, HISTORY);
}, 120_000);

afterAll(async () => {
  await vigil?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('datasets over HTTP', () => {
  it('lists every dataset with columns that are the view\'s own', async () => {
    const { datasets } = await getJson<{ datasets: queries.Dataset[] }>(`${vigil!.url}/api/v1/datasets`);
    expect(datasets.map((d) => d.name)).toEqual(queries.DATASETS.map((d) => d.name));
    for (const d of datasets) {
      const described = await vigil!.store.query<{ name: string; type: string }>(`DESCRIBE TABLE ${d.name}`);
      expect(described.map((c) => `${c.name} ${c.type}`), d.name).toEqual(d.columns.map((c) => `${c.name} ${c.type}`));
    }
  });

  it('vigil dataset list prints each dataset, and with --columns its columns', async () => {
    const run = await cli(['dataset', 'list', '--vigil', vigil!.url, '--columns']);
    expect(run.code, run.stderr).toBe(0);
    for (const d of queries.DATASETS) expect(run.stdout).toContain(d.name);
    expect(run.stdout).toMatch(/\n\s+HoursToFailure\s+Nullable\(Float64\)\s+FirstFailureTime - Time, hours/);
  });

  it('exports CSV chunk by chunk as one file with one header, ordered by time', async () => {
    const res = await fetch(`${vigil!.url}/api/v1/datasets/dataset_spans_red_1m?format=csv&${range(0, HISTORY)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain('dataset_spans_red_1m.csv');
    const lines = (await res.text()).trimEnd().split('\n');
    expect(lines[0]).toBe('"Minute","ServiceName","SpanName","SpanKind","Calls","Errors","ErrorRatio","AvgMs","P50Ms","P95Ms","P99Ms"');
    expect(lines.filter((l) => l.startsWith('"Minute"'))).toHaveLength(1);
    const [{ n }] = await vigil!.store.query<{ n: string }>(`SELECT count() AS n FROM dataset_spans_red_1m`);
    expect(lines.length - 1).toBe(Number(n));
    const minutes = lines.slice(1).map((l) => l.split(',')[0]);
    expect([...minutes].sort()).toEqual(minutes);
  });

  it('writes Arrow and Parquet files (vigil dataset export) that read back whole', async () => {
    const expected = Number((await vigil!.store.query<{ n: string }>(`SELECT count() AS n FROM dataset_service_features_1m`))[0].n);
    expect(expected).toBe(6 * HISTORY);
    for (const format of ['arrow', 'parquet', 'csv']) {
      const file = join(outDir, `features.${format}`);
      const run = await cli(['dataset', 'export', 'dataset_service_features_1m', '--vigil', vigil!.url, '--format', format, '--out', file,
        '--since', String(BASE_MS), '--until', String(BASE_MS + HISTORY * MINUTE), '--chunk-minutes', '40']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`written to ${file}`);
      expect(run.stderr).toMatch(/100%/);
      const clickhouseFormat = { arrow: 'ArrowStream', parquet: 'Parquet', csv: 'CSVWithNames' }[format];
      const [row] = await vigil!.store.query<{ n: string; services: string }>(
        `SELECT count() AS n, toString(uniqExact(ServiceName)) AS services FROM file({path:String}, ${clickhouseFormat})`, { path: file });
      expect(Number(row.n), format).toBe(expected);
      expect(row.services).toBe('6');
    }
    expect(readFileSync(join(outDir, 'features.parquet')).subarray(0, 4).toString()).toBe('PAR1');
  });

  it('refuses an unknown dataset, a bad format and an empty range', async () => {
    const unknown = await fetch(`${vigil!.url}/api/v1/datasets/otel_logs`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'API_NOT_FOUND' });
    expect((await fetch(`${vigil!.url}/api/v1/datasets/dataset_incidents?format=xlsx`)).status).toBe(400);
    expect((await fetch(`${vigil!.url}/api/v1/datasets/dataset_incidents?since=now&until=now-1h`)).status).toBe(400);
    const bad = await cli(['dataset', 'export', 'dataset_incidents', '--format', 'xlsx', '--out', join(outDir, 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of csv, arrow, parquet');
  });

  it('is readable in the SQL sandbox', async () => {
    const res = await fetch(`${vigil!.url}/api/v1/sql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'SELECT ServiceName, sum(Calls) AS calls FROM dataset_spans_red_1m WHERE SpanKind = \'Server\' GROUP BY ServiceName ORDER BY ServiceName' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ ServiceName: string }> };
    expect(body.data.map((r) => r.ServiceName)).toEqual(['catalog', 'checkout', 'frontend', 'inventory', 'payments', 'shipping']);
  });
});

describe('isolation forest', () => {
  it('trained on the feature dataset, scores a payments outage live as iforest anomalies', async () => {
    // Trained inside the running Vigil (POST /api/v1/models/iforest), as vigil train iforest --vigil does.
    const train = await cli(['train', 'iforest', '--vigil', vigil!.url, '--trees', '50', '--since', String(BASE_MS), '--until', String(BASE_MS + HISTORY * MINUTE)]);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/model default: 6 services, 900 rows, features Calls,ErrorRatio,P95Ms,LogErrorRatio,CpuUtilization,MemoryBytes/);
    const { models } = await getJson<{ models: Array<{ name: string; kind: string; services: string[]; trainedUntil: string }> }>(`${vigil!.url}/api/v1/models`);
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ name: 'default', kind: 'iforest', trainedUntil: new Date(BASE_MS + HISTORY * MINUTE).toISOString() });
    expect(models[0].services.sort()).toEqual(['catalog', 'checkout', 'frontend', 'inventory', 'payments', 'shipping']);
    const unknownFeature = await fetch(`${vigil!.url}/api/v1/models/iforest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ features: ['Nope'] }) });
    expect(unknownFeature.status).toBe(400);
    expect(await unknownFeature.json()).toMatchObject({ code: 'API_BAD_REQUEST', message: expect.stringContaining('Nope not numeric columns') });
    await postMinutes(FAULT.from, FAULT.to, 0.8);
    await postMinutes(FAULT.to, END);
    const found = await eventually(async () => {
      const { anomalies } = await getJson<{ anomalies: Array<{ service: string; detector: string; signal: string; start: string; peakScore: number; attributes: Record<string, string> }> }>(
        `${vigil!.url}/api/v1/anomalies?signal=service_features&${range(0, END)}`);
      return anomalies.some((a) => a.service === 'payments') && anomalies;
    }, 30_000);
    const payments = found.find((a) => a.service === 'payments')!;
    expect(payments).toMatchObject({ detector: 'iforest', signal: 'service_features' });
    expect(Date.parse(payments.start)).toBeGreaterThanOrEqual(BASE_MS + FAULT.from * MINUTE);
    expect(Date.parse(payments.start)).toBeLessThan(BASE_MS + FAULT.to * MINUTE);
    expect(Number(payments.attributes.ErrorRatio)).toBeGreaterThan(0.5);
    expect(payments.peakScore).toBeGreaterThan(0.75);
  }, 60_000);
});

describe('offline commands on the stored history', () => {
  it('vigil train iforest stores a model; vigil backtest detectors scores detectors against the incidents', async () => {
    // An incident over the outage (what the incident engine would have opened), as the label.
    await vigil!.store.insertJsonEachRow('incidents', Buffer.from(JSON.stringify({
      IncidentId: 'inc-payments', Title: 'payments failing', Status: 'resolved', Severity: 'critical', Services: ['payments', 'checkout', 'frontend'],
      RootService: 'payments', StartTime: seconds(FAULT.from), UpdatedTime: seconds(FAULT.to), ResolvedAt: seconds(FAULT.to + 2), Suspects: '[{"kind":"service","name":"payments","service":"payments","rank":1}]', Version: 3,
    })));
    await vigil!.close();
    vigil = undefined;

    const train = await cli(['train', 'iforest', '--data-dir', dataDir, '--name', 'cli-model', '--trees', '20', '--features', 'Calls,ErrorRatio,P95Ms',
      '--since', String(BASE_MS), '--until', String(BASE_MS + HISTORY * MINUTE), '--log-level', 'silent']);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/model cli-model: 6 services, 900 rows, features Calls,ErrorRatio,P95Ms/);
    const badFeature = await cli(['train', 'iforest', '--data-dir', dataDir, '--features', 'ServiceName', '--since', String(BASE_MS), '--until', String(BASE_MS + HISTORY * MINUTE)]);
    expect(badFeature.code).toBe(2);
    expect(badFeature.stderr).toContain('ServiceName not numeric columns of dataset_service_features_1m');

    const backtest = await cli(['backtest', 'detectors', '--data-dir', dataDir, '--detectors', 'iforest,zscore', '--json',
      '--since', String(BASE_MS + (FAULT.from - 10) * MINUTE), '--until', String(BASE_MS + END * MINUTE), '--warmup-minutes', '140']);
    expect(backtest.code, backtest.stderr).toBe(0);
    const report = JSON.parse(backtest.stdout) as { incidents: number; scores: Array<{ detector: string; anomalies: number; recall: number; precision: number | null }> };
    expect(report.incidents).toBe(1);
    const iforest = report.scores.find((s) => s.detector === 'iforest')!;
    expect(iforest.recall).toBe(1);
    expect(iforest.precision).toBeGreaterThan(0.5);
    expect(report.scores.map((s) => s.detector)).toEqual(['iforest', 'zscore']);

    const table = await cli(['backtest', 'detectors', '--data-dir', dataDir, '--detectors', 'iforest',
      '--since', String(BASE_MS + (FAULT.from - 10) * MINUTE), '--until', String(BASE_MS + END * MINUTE)]);
    expect(table.stdout).toMatch(/DETECTOR\s+ANOMALIES\s+TRUE POS\s+INCIDENTS\s+DETECTED\s+PRECISION\s+RECALL\s+F1/);
    expect(table.stdout).toMatch(/iforest\s+\d+\s+\d+\s+1\s+1\s+[\d.]+%\s+100\.0%/);
  }, 120_000);
});
