import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { BASE_MS, MINUTE_MS, seededNoise } from '../helpers/metrics-json.js';

/**
 * Live detection of log and span series through OTLP/JSON: an error-log burst (log rate
 * per service and severity, zero-filled between sparse errors) and a latency shift (span
 * p95 per service and span name), both in event time.
 */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

const MINUTES = 205;
const EVENT = 200;
const noise = seededNoise(9);
const str = (value: string) => ({ stringValue: value });
const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: str(service) }] });
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function logsBody(): string {
  const logRecords = [];
  for (let m = 0; m < MINUTES; m++) {
    const errors = m === EVENT ? 60 : m % 7 === 0 ? 1 : 0;
    for (let i = 0; i < 5 + errors; i++) {
      logRecords.push({ timeUnixNano: `${BigInt(BASE_MS + m * MINUTE_MS + i * 50) * 1_000_000n}`, severityText: i < errors ? 'ERROR' : 'INFO', body: str(i < errors ? 'upstream failed' : 'ok') });
    }
  }
  return JSON.stringify({ resourceLogs: [{ resource: resource('gateway'), scopeLogs: [{ logRecords }] }] });
}

function tracesBody(): string {
  const spans = [];
  let id = 1;
  for (let m = 0; m < MINUTES; m++) {
    for (let i = 0; i < 10; i++) {
      const startNs = BigInt(BASE_MS + m * MINUTE_MS + i * 1000) * 1_000_000n;
      const ms = m >= EVENT ? 250 + 5 * noise() : 20 + noise();
      spans.push({
        traceId: hex(id, 32),
        spanId: hex(id++, 16),
        name: 'GET /cart',
        kind: 2,
        startTimeUnixNano: `${startNs}`,
        endTimeUnixNano: `${startNs + BigInt(Math.round(ms * 1e6))}`,
        status: { code: 1 },
      });
    }
  }
  return JSON.stringify({ resourceSpans: [{ resource: resource('cart'), scopeSpans: [{ spans }] }] });
}

const range = `since=${BASE_MS}&until=${BASE_MS + 1000 * MINUTE_MS}`;
const atEvent = new Date(BASE_MS + EVENT * MINUTE_MS).toISOString();

describe('log and span series', () => {
  it('ingests logs and spans', async () => {
    for (const [path, body] of [['/v1/logs', logsBody()], ['/v1/traces', tracesBody()]]) {
      const res = await fetch(`${vigil.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(res.status, await res.text()).toBe(200);
    }
  });

  it('finds the error burst on the log-rate series of the service', async () => {
    const a = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=gateway&signal=log_rate`);
      return anomalies.find((x: any) => x.start === atEvent);
    });
    expect(a).toMatchObject({ seriesKey: 'log_rate:gateway:ERROR:count', name: 'ERROR', stat: 'count', actual: 60 });
    const chart = await getJson(`${vigil.url}/api/v1/series/${encodeURIComponent(a.seriesKey)}/scores?${range}`);
    expect(chart.times.length).toBeGreaterThan(EVENT); // minutes without errors are zeros, not gaps
  });

  it('finds the latency shift on the span p95 series, not on rate or errors', async () => {
    const a = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=cart&signal=span_latency`);
      return anomalies.find((x: any) => x.start === atEvent);
    });
    expect(a).toMatchObject({ seriesKey: 'span_latency:cart:GET%20%2Fcart:p95', name: 'GET /cart', stat: 'p95' });
    expect(a.actual).toBeGreaterThan(200);
    const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=cart`);
    expect(anomalies.filter((x: any) => x.signal !== 'span_latency' && Date.parse(x.start) >= BASE_MS + EVENT * MINUTE_MS)).toEqual([]);
  });
});
