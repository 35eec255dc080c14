import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FaultWindow } from './faults.js';
import { startWorkload, type ProgressEvent } from './workload.js';

/** An OTLP/CloudEvents receiver below the HTTP port: records every body, can answer 429 first. */
let server: Server | undefined;
async function sink(throttleFirst = 0) {
  const bodies: Array<{ path: string; body: any }> = [];
  let throttled = 0;
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      if (throttled < throttleFirst) {
        throttled++;
        res.writeHead(429, { 'retry-after': '0' }).end('{"code":"INGEST_QUEUE_FULL"}');
        return;
      }
      bodies.push({ path: req.url!, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const records = (path: string) => bodies.filter((b) => b.path === path).map((b) => b.body);
  return {
    url,
    spans: () => records('/v1/traces').flatMap((b) => b.resourceSpans.flatMap((r: any) => r.scopeSpans[0].spans)),
    logs: () => records('/v1/logs').flatMap((b) => b.resourceLogs.flatMap((r: any) => r.scopeLogs[0].logRecords.map((l: any) => ({ ...l, service: r.resource.attributes[0].value.stringValue })))),
    points: () => records('/v1/metrics').flatMap((b) => b.resourceMetrics.flatMap((r: any) => r.scopeMetrics[0].metrics.flatMap((m: any) => (m.gauge ?? m.sum ?? m.histogram).dataPoints))),
    events: () => records('/v1/events').flat(),
  };
}
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

const LIVE_START = Date.UTC(2026, 0, 1, 12);
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

describe('startWorkload', () => {
  it('sends warm-up history in the past, then the live phase, with faults announced and every record counted', async () => {
    const target = await sink(2);
    const workload = startWorkload({
      target: target.url, ratePerSecond: 4, warmupMs: 120_000, durationMs: 20_000, speed: 40, seed: 3, canary: true,
      liveStartMs: LIVE_START, faults: ['bad-deploy:payments@5s+10s'],
    });
    const seen: string[] = [];
    const progress: ProgressEvent[] = [];
    workload.on('warmup-done', (e) => seen.push(`warmup-done ${e.eventMs}`));
    workload.on('fault-start', (w) => seen.push(`start ${w.id} ${w.status}`));
    workload.on('fault-end', (w) => seen.push(`end ${w.id} ${w.status}`));
    workload.on('progress', (p) => progress.push(p));
    const report = await workload.done;

    expect(seen).toEqual([`warmup-done ${LIVE_START}`, 'start bad-deploy:payments@5s+10s active', 'end bad-deploy:payments@5s+10s ended']);
    expect(progress.filter((p) => p.phase === 'warmup').at(-1)).toMatchObject({ doneMs: 120_000, totalMs: 120_000 });
    expect(progress.filter((p) => p.phase === 'live').at(-1)).toMatchObject({ doneMs: 20_000, totalMs: 20_000 });
    const [fault] = report.faults;
    expect(fault).toMatchObject({ startMs: LIVE_START + 5000, endMs: LIVE_START + 15_000, status: 'ended', deploy: { version: '3.1.8' } });
    expect(fault.wallEndMs! - fault.wallStartMs!).toBeGreaterThanOrEqual(10_000 / 40 - 50);
    expect(report.live).toMatchObject({ startMs: LIVE_START, endMs: LIVE_START + 20_000 });
    expect(report.live.wallEndMs - report.live.wallStartMs).toBeGreaterThanOrEqual(20_000 / 40 - 50);

    // Every record sent is counted, retries included; nothing lost to the 429s.
    expect(report.retries).toBe(2);
    expect(report.sent.spans).toBe(target.spans().length);
    expect(report.sent.logs).toBe(target.logs().length);
    expect(report.sent.metricPoints).toBe(target.points().length);
    expect(report.sent.events).toBe(1);
    expect(target.events()[0]).toMatchObject({ type: 'dev.cdevents.service.deployed.0.2.0', subject: 'payments', time: new Date(LIVE_START + 5000).toISOString() });

    // Event time: history before the live start, live data within the duration.
    const starts = target.spans().map((s: any) => BigInt(s.startTimeUnixNano));
    expect(starts.some((t) => t < ns(LIVE_START))).toBe(true);
    expect(starts.every((t) => t >= ns(LIVE_START - 120_000) && t < ns(LIVE_START + 21_000))).toBe(true);
    const canaries = target.logs().filter((l: any) => l.service === 'vigil-canary').map((l: any) => Number(l.attributes[0].value.intValue));
    expect(canaries).toEqual(Array.from({ length: 140 }, (_, i) => i + 1));
    expect(report.canary).toEqual({ enabled: true, sent: 140, dropped: 0 });
  });

  it('gives the same records for the same seed and live start, however the ticks were batched', async () => {
    const target = await sink();
    const options = { target: target.url, ratePerSecond: 3, warmupMs: 30_000, durationMs: 5000, speed: 50, seed: 9, liveStartMs: LIVE_START };
    const sorted = (spans: any[]) => JSON.stringify([...spans].sort((a, b) => a.spanId.localeCompare(b.spanId)));
    await startWorkload(options).done;
    const first = target.spans();
    await startWorkload({ ...options, maxBatchSeconds: 7 }).done;
    const second = target.spans().slice(first.length);
    expect(second.length).toBe(first.length);
    expect(sorted(second)).toBe(sorted(first));
  });

  it('stop() ends early and closes active faults; inject() adds one at the current simulated time', async () => {
    const target = await sink();
    const workload = startWorkload({ target: target.url, ratePerSecond: 2, durationMs: Infinity, speed: 20, seed: 1, liveStartMs: Date.now() - 1000 });
    await new Promise<void>((resolve) => workload.on('warmup-done', () => resolve()));
    const injected = workload.inject('latency:postgres@0s+1h');
    const started = await new Promise<FaultWindow>((resolve) => workload.on('fault-start', resolve));
    expect(started).toBe(injected);
    expect(injected.startMs).toBeGreaterThanOrEqual(workload.liveStartMs);
    const report = await workload.stop();
    expect(report.stoppedEarly).toBe(true);
    expect(report.faults[0]).toMatchObject({ type: 'latency', service: 'postgres', status: 'ended' });
    expect(report.faults[0].endMs).toBeLessThan(injected.startMs + 3_600_000);
    expect(report.sent.spans).toBe(target.spans().length);
  });

  it('refuses a fault its target cannot take before sending anything', () => {
    expect(() => startWorkload({ target: 'http://127.0.0.1:9', durationMs: 1000, faults: ['bad-deploy:redis@1m'] })).toThrow(/bad-deploy applies to service/);
  });
});
