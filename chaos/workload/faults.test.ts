import { describe, expect, it } from 'vitest';
import { BAD_DEPLOY_ERROR_DELAY_MS, checkFaultTarget, parseFaultSpec, planWindow, type FaultWindow } from './faults.js';
import { SpanKind, type SpanRecord } from './records.js';
import { simulateRange } from './simulation.js';
import { DEFAULT_TOPOLOGY } from './topology.js';

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
/** Three simulated minutes; the fault covers the middle one. */
function run(fault?: string, seed = 11, canary = false) {
  const windows: FaultWindow[] = fault ? [planWindow(parseFaultSpec(fault), T0)] : [];
  const data = simulateRange({ topology: DEFAULT_TOPOLOGY, seed, ratePerSecond: 5, originMs: T0, canary, windows }, T0, T0 + 3 * MINUTE);
  return { ...data, window: windows[0] };
}
const inWindow = (us: number) => us >= (T0 + MINUTE) * 1000 && us < (T0 + 2 * MINUTE) * 1000;
const before = (us: number) => us < (T0 + MINUTE) * 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (s: SpanRecord) => (s.endUs - s.startUs) / 1000;
const servers = (spans: SpanRecord[], service: string) => spans.filter((s) => s.kind === SpanKind.SERVER && s.resource.service === service);

describe('fault specs', () => {
  it('parses TYPE:SERVICE@OFFSET[+DURATION] with a 3 minute default duration', () => {
    expect(parseFaultSpec('error-burst:payments@2m')).toEqual({ type: 'error-burst', service: 'payments', offsetMs: 120_000, durationMs: 180_000 });
    expect(parseFaultSpec('latency:postgres@30s+1m30s')).toEqual({ type: 'latency', service: 'postgres', offsetMs: 30_000, durationMs: 90_000 });
    expect(() => parseFaultSpec('meltdown:payments@1m')).toThrow(/unknown type "meltdown"/);
    expect(() => parseFaultSpec('latency:payments')).toThrow(/TYPE:SERVICE@OFFSET/);
    expect(() => parseFaultSpec('latency:payments@soon')).toThrow(/not a duration/);
  });

  it('refuses targets a fault cannot apply to', () => {
    const check = (text: string, canary = false) => () => checkFaultTarget(parseFaultSpec(text), DEFAULT_TOPOLOGY, canary);
    expect(check('bad-deploy:postgres@1m')).toThrow(/applies to service/);
    expect(check('latency:billing@1m')).toThrow(/no service "billing"/);
    expect(check('dependency-down:frontend@1m')).toThrow(/entry service/);
    expect(check('telemetry-loss:vigil-canary@1m')).toThrow(/canary stream is off/);
    expect(check('telemetry-loss:vigil-canary@1m', true)).not.toThrow();
    expect(check('dependency-down:postgres@1m')).not.toThrow();
  });
});

describe('fault effects on the generated data', () => {
  it('latency: the service takes ~400 ms longer and its callers’ client spans widen with it', () => {
    const { spans } = run('latency:payments@1m+1m');
    const payments = servers(spans, 'payments');
    const base = median(payments.filter((s) => before(s.startUs)).map(ms));
    const slow = median(payments.filter((s) => inWindow(s.startUs)).map(ms));
    expect(slow - base).toBeGreaterThan(380);
    expect(slow - base).toBeLessThan(420);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of payments.filter((x) => inWindow(x.startUs))) expect(ms(byId.get(s.parentSpanId)!)).toBeGreaterThan(400);
  });

  it('error-burst: ~40% of the service’s requests fail with a distinctive log, callers log upstream failures', () => {
    const { spans, logs } = run('error-burst:payments@1m+1m');
    const during = servers(spans, 'payments').filter((s) => inWindow(s.startUs));
    const failed = during.filter((s) => s.attributes['error.type'] === 'IllegalStateException');
    expect(failed.length / during.length).toBeGreaterThan(0.28);
    expect(failed.length / during.length).toBeLessThan(0.52);
    expect(servers(spans, 'payments').filter((s) => before(s.startUs) && s.attributes['error.type'] === 'IllegalStateException')).toHaveLength(0);
    const burstLogs = logs.filter((l) => /^unhandled IllegalStateException in POST \/api\/payments: worker pool exhausted, request \d+ aborted$/.test(l.body));
    expect(burstLogs).toHaveLength(failed.length);
    expect(burstLogs.every((l) => l.severityText === 'ERROR' && l.resource.service === 'payments')).toBe(true);
    const upstream = logs.filter((l) => l.resource.service === 'checkout' && inWindow(l.timeUs) && l.body.startsWith('call to payments failed with 500'));
    const allFailures = during.filter((s) => s.attributes['http.response.status_code'] === 500 && inWindow(s.endUs));
    expect(upstream.length).toBe(allFailures.length);
  });

  it('dependency-down: callers’ client spans to the peer fail fast with connection errors', () => {
    const { spans, logs } = run('dependency-down:postgres@1m+1m');
    const calls = spans.filter((s) => s.attributes['peer.service'] === 'postgres' && inWindow(s.startUs));
    expect(calls.length).toBeGreaterThan(50);
    for (const s of calls) {
      expect(s.status.code).toBe(2);
      expect(s.attributes['error.type']).toBe('ECONNREFUSED');
      expect(ms(s)).toBeLessThan(5);
    }
    expect(spans.filter((s) => s.attributes['peer.service'] === 'postgres' && before(s.startUs)).every((s) => s.attributes['error.type'] === undefined || s.attributes['error.type'] === '40001')).toBe(true);
    expect(logs.filter((l) => l.body.startsWith('connection to postgres at postgres:5432 refused')).length).toBe(calls.length);
  });

  it('bad-deploy: a CDEvents service.deployed event with the new version, then errors from 30 s on', () => {
    const { spans, events, window } = run('bad-deploy:payments@1m+1m');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      specversion: '1.0', type: 'dev.cdevents.service.deployed.0.2.0', subject: 'payments', service: 'payments', time: new Date(T0 + MINUTE).toISOString(),
      data: { subject: { id: 'payments', content: { environment: { id: 'production' }, artifactId: 'pkg:oci/payments@3.1.8' } }, customData: { version: '3.1.8', previousVersion: '3.1.7' } },
    });
    expect(window.deploy).toEqual({ eventId: event.id, version: '3.1.8', previousVersion: '3.1.7', errorsFromMs: T0 + MINUTE + BAD_DEPLOY_ERROR_DELAY_MS });
    const payments = servers(spans, 'payments');
    expect(new Set(payments.filter((s) => before(s.startUs)).map((s) => s.resource.attributes['service.version']))).toEqual(new Set(['3.1.7']));
    expect(new Set(payments.filter((s) => inWindow(s.startUs)).map((s) => s.resource.attributes['service.version']))).toEqual(new Set(['3.1.8']));
    const errorsFromUs = window.deploy!.errorsFromMs * 1000;
    const typeErrors = payments.filter((s) => s.attributes['error.type'] === 'TypeError');
    expect(typeErrors.every((s) => s.startUs >= errorsFromUs && inWindow(s.startUs))).toBe(true);
    const afterDelay = payments.filter((s) => s.startUs >= errorsFromUs && inWindow(s.startUs));
    expect(typeErrors.length / afterDelay.length).toBeGreaterThan(0.25);
  });

  it('saturation: CPU and memory climb to ~95% and latency grows', () => {
    const { spans, metrics } = run('saturation:inventory@1m+1m');
    const cpu = metrics.filter((m) => m.resource.service === 'inventory' && m.name === 'process.cpu.utilization');
    const memory = metrics.filter((m) => m.resource.service === 'inventory' && m.name === 'process.memory.usage');
    expect(Math.max(...cpu.filter((m) => before(m.timeUs)).map((m) => m.value))).toBeLessThan(0.3);
    expect(cpu.filter((m) => inWindow(m.timeUs)).at(-1)!.value).toBeGreaterThan(0.9);
    expect(memory.filter((m) => inWindow(m.timeUs)).at(-1)!.value).toBeGreaterThan(0.9 * 512 * 1024 * 1024);
    const inventory = servers(spans, 'inventory');
    expect(median(inventory.filter((s) => inWindow(s.startUs) && s.startUs > (T0 + MINUTE * 1.5) * 1000).map(ms))).toBeGreaterThan(2.5 * median(inventory.filter((s) => before(s.startUs)).map(ms)));
  });

  it('log-flood: the service logs 20x its normal rate', () => {
    const { logs } = run('log-flood:frontend@1m+1m');
    const frontend = logs.filter((l) => l.resource.service === 'frontend');
    const ratio = frontend.filter((l) => inWindow(l.timeUs)).length / frontend.filter((l) => before(l.timeUs)).length;
    expect(ratio).toBeGreaterThan(15);
    expect(ratio).toBeLessThan(25);
  });

  it('new-error-pattern: a never-seen ERROR template at a steady 30 lines per minute', () => {
    const { logs } = run('new-error-pattern:checkout@1m+1m');
    const lines = logs.filter((l) => l.body.startsWith('checksum mismatch in segment'));
    expect(lines).toHaveLength(30);
    expect(lines.every((l) => l.severityText === 'ERROR' && l.resource.service === 'checkout' && inWindow(l.timeUs))).toBe(true);
    expect(lines[0].body).toMatch(/^checksum mismatch in segment [0-9a-f]{12}: replica \d diverged after [\d.]+ ms$/);
  });

  it('level-shift: process.memory.usage shifts up by 60%', () => {
    const { metrics } = run('level-shift:payments@1m+1m');
    const memory = metrics.filter((m) => m.resource.service === 'payments' && m.name === 'process.memory.usage');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = mean(memory.filter((m) => inWindow(m.timeUs)).map((m) => m.value)) / mean(memory.filter((m) => before(m.timeUs)).map((m) => m.value));
    expect(ratio).toBeGreaterThan(1.55);
    expect(ratio).toBeLessThan(1.65);
  });

  it('telemetry-loss: drops exactly the service’s records in the window and counts each one, canaries untouched', () => {
    const clean = run(undefined, 11, true);
    const lossy = run('telemetry-loss:payments@1m+1m', 11, true);
    const lost = <T extends { resource: { service: string } }>(items: T[], time: (x: T) => number) => items.filter((x) => x.resource.service === 'payments' && inWindow(time(x)));
    // Spans and logs belong to the tick their request started in; metrics to the tick they close.
    const expected = {
      spans: clean.spans.length - lossy.spans.length,
      logs: clean.logs.length - lossy.logs.length,
      metricPoints: clean.metrics.length - lossy.metrics.length,
    };
    expect(lossy.window.dropped).toEqual(expected);
    expect(expected.spans).toBeGreaterThan(50);
    expect(expected.metricPoints).toBe(6 * 6);
    expect(lost(lossy.spans, (s) => s.startUs)).toHaveLength(0);
    expect(lost(lossy.logs, (l) => l.timeUs)).toHaveLength(0);
    expect(lossy.canarySent).toBe(180);
    const others = (d: typeof clean) => JSON.stringify(d.spans.filter((s) => s.resource.service !== 'payments'));
    expect(others(lossy)).toBe(others(clean));
  });

  it('telemetry-loss on vigil-canary drops canaries and counts them', () => {
    const lossy = run('telemetry-loss:vigil-canary@1m+1m', 11, true);
    expect(lossy.canarySent).toBe(120);
    expect(lossy.window.dropped).toEqual({ spans: 0, logs: 60, metricPoints: 0 });
  });
});
