import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOY_EVENT_TYPE, startWorkload, type WorkloadReport } from '../../chaos/index.js';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * The synthetic workload through Vigil's real ingest path: warm-up history, a compressed
 * live phase with a bad deploy, and everything it sent found in the store and the API —
 * traces across services, logs with template ids, metrics, the topology's call edges and
 * the deploy CloudEvent. Then the CLI against the same Vigil.
 */
let vigil: TestVigil;
let report: WorkloadReport;
let liveStartMs: number;
const WARMUP_MS = 5 * 60_000;
const DURATION_MS = 90_000;

beforeAll(async () => {
  vigil = await startTestVigil();
  const workload = startWorkload({
    target: vigil.url, ratePerSecond: 5, warmupMs: WARMUP_MS, durationMs: DURATION_MS, speed: 45, seed: 42,
    faults: ['bad-deploy:payments@20s+1m'], canary: true,
  });
  liveStartMs = workload.liveStartMs;
  report = await workload.done;
});
afterAll(async () => {
  await vigil?.stop();
});

/** API time range covering the whole run (the live phase ran ahead of the wall clock). */
const range = () => `since=${liveStartMs - WARMUP_MS - 60_000}&until=${liveStartMs + DURATION_MS + 60_000}`;

describe('synthetic workload into a real Vigil', () => {
  it('stores exactly what the workload reports as sent', async () => {
    const stats = await getJson(`${vigil.url}/api/v1/stats`);
    expect(stats).toEqual({ spans: report.sent.spans, logs: report.sent.logs, metricPoints: report.sent.metricPoints, events: 1 });
    expect(report.sent.spans).toBeGreaterThan(10_000);
    expect(report.rejected).toBe(0);
    const [canaries] = await vigil.store.query<{ n: string; top: string }>(
      `SELECT count() AS n, max(toUInt64(LogAttributes['vigil.canary.seq'])) AS top FROM otel_logs WHERE ServiceName = 'vigil-canary'`,
    );
    expect(Number(canaries.n)).toBe(report.canary.sent);
    expect(Number(canaries.top)).toBe((WARMUP_MS + DURATION_MS) / 1000);
  });

  it('stores traces across services with peer calls, served by the trace API', async () => {
    const [row] = await vigil.store.query<{ TraceId: string }>(
      `SELECT TraceId FROM otel_traces WHERE ServiceName = 'payments' AND StatusCode != 'Error' ORDER BY Timestamp LIMIT 1`,
    );
    const { spans } = await getJson(`${vigil.url}/api/v1/traces/${row.TraceId}`);
    expect(new Set(spans.map((s: any) => s.service))).toEqual(new Set(['frontend', 'checkout', 'payments', 'inventory']));
    const root = spans.find((s: any) => s.parentSpanId === '');
    expect(root).toMatchObject({ service: 'frontend', kind: 'Server', name: 'GET /shop' });
    const db = spans.find((s: any) => s.attributes['peer.service'] === 'postgres' && s.service === 'payments');
    expect(db).toMatchObject({ kind: 'Client', attributes: { 'db.system.name': 'postgresql', 'server.address': 'postgres' } });
    expect(spans.find((s: any) => s.kind === 'Producer')).toMatchObject({ service: 'checkout', attributes: { 'messaging.destination.name': 'orders' } });
  });

  it('derives the call edges of the topology between instrumented services', async () => {
    const edges = await vigil.store.query<{ Caller: string; Callee: string }>(
      `SELECT DISTINCT Caller, Callee FROM service_call_edges FINAL ORDER BY Caller, Callee`,
    );
    expect(edges.map((e) => `${e.Caller}->${e.Callee}`)).toEqual(['checkout->inventory', 'checkout->payments', 'frontend->checkout', 'frontend->inventory']);
  });

  it('stores logs with template ids, trace context, and the bad deploy’s error pattern', async () => {
    const { logs } = await getJson(`${vigil.url}/api/v1/logs?service=inventory&${range()}&limit=20`);
    expect(logs).toHaveLength(20);
    for (const log of logs) {
      expect(log.templateId).toMatch(/^[0-9a-f]{16}$/);
      expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
    // Templates are written every 2 s (the per-minute counts at once), so the text may trail the counts briefly.
    await eventually(async () => {
      const { patterns } = await getJson(`${vigil.url}/api/v1/patterns?service=payments&severity=ERROR&${range()}`);
      return patterns.find((p: any) => p.template?.startsWith('TypeError: Cannot read properties of undefined'));
    }, 15_000);
    const window = report.faults[0];
    const [bounds] = await vigil.store.query<{ first: string; last: string }>(
      `SELECT toString(toUnixTimestamp64Milli(min(Timestamp))) AS first, toString(toUnixTimestamp64Milli(max(Timestamp))) AS last
       FROM otel_logs WHERE ServiceName = 'payments' AND startsWith(Body, 'TypeError')`,
    );
    expect(Number(bounds.first)).toBeGreaterThanOrEqual(window.deploy!.errorsFromMs);
    expect(Number(bounds.last)).toBeLessThan(window.endMs + 1000);
  });

  it('stores gauges, the cumulative request count and the duration histogram of each service', async () => {
    const { series } = await getJson(`${vigil.url}/api/v1/metrics/series?name=process.cpu.utilization&service=checkout&${range()}&step=60`);
    expect(series.length).toBe(1);
    const rows = await vigil.store.query<{ t: string; n: string }>(
      `SELECT 'sum' AS t, toString(count()) AS n FROM otel_metrics_sum WHERE MetricName = 'http.server.request.count' AND IsMonotonic AND AggregationTemporality = 2
       UNION ALL SELECT 'histogram', toString(count()) FROM otel_metrics_histogram WHERE MetricName = 'http.server.request.duration'
       UNION ALL SELECT 'pool', toString(count()) FROM otel_metrics_gauge WHERE MetricName = 'db.client.connection.count' AND ServiceName = 'payments'`,
    );
    const counts = Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
    // One sample per instrumented service on every 10 s boundary after the first tick.
    const firstSampleMs = Math.floor((liveStartMs - WARMUP_MS) / 10_000) * 10_000 + 10_000;
    const lastTickMs = liveStartMs + DURATION_MS - 1000;
    const samples = Math.floor((lastTickMs - firstSampleMs) / 10_000) + 1;
    expect(counts).toEqual({ sum: 4 * samples, histogram: 4 * samples, pool: 2 * samples });
  });

  it('announces the deploy as a CDEvents CloudEvent and reports the new service.version', async () => {
    const [event] = await vigil.store.query<any>(`SELECT Id, Type, Subject, ServiceName, Practice, Data, toUnixTimestamp64Milli(Time) AS ms FROM events FINAL`);
    const window = report.faults[0];
    expect(event).toMatchObject({ Id: window.deploy!.eventId, Type: DEPLOY_EVENT_TYPE, Subject: 'payments', ServiceName: 'payments', Practice: 'devops' });
    expect(Number(event.ms)).toBe(window.startMs);
    expect(JSON.parse(event.Data).subject.content.artifactId).toBe('pkg:oci/payments@3.1.8');
    const versions = await vigil.store.query<{ v: string; first: string }>(
      `SELECT ResourceAttributes['service.version'] AS v, toString(toUnixTimestamp64Milli(min(Timestamp))) AS first FROM otel_traces WHERE ServiceName = 'payments' GROUP BY v ORDER BY v`,
    );
    expect(versions.map((r) => r.v)).toEqual(['3.1.7', '3.1.8']);
    expect(Number(versions[1].first)).toBeGreaterThanOrEqual(window.startMs);
  });

  it('vigil workload run prints the topology, each fault’s start and end, and a summary', async () => {
    const bin = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
    const args = ['workload', 'run', '--target', vigil.url, '--rate', '2', '--duration', '20s', '--speed', '20', '--seed', '4', '--fault', 'latency:postgres@5s+5s'];
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('topology (production, 2 requests/s into frontend):');
    expect(lines[1]).toBe('frontend  service 1.8.2  GET /shop');
    expect(lines).toContain('│   │   ├── postgres  database postgresql');
    expect(stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] fault start latency:postgres@5s\+5s at \d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    expect(stdout).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] fault end {3}latency:postgres@5s\+5s at /m);
    expect(stdout.indexOf('fault start')).toBeLessThan(stdout.indexOf('fault end'));
    expect(stdout).toMatch(/^summary: 20s live, sent \d+ spans, \d+ logs, \d+ metric points, 0 events in \d+ requests \(\d+ retries\)$/m);
  });
});
