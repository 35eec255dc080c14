import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { BASE_MS, gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';
import { openSse, type SseReader } from '../helpers/sse.js';

/**
 * Live detection end to end: a gauge sent through OTLP/JSON, one point per event-time
 * minute, shifts level after 300 normal minutes. The anomaly must be stored and served,
 * pushed on the SSE stream shortly after the ingest request that closed its minute got
 * its 200, and its series must be chartable.
 */
let vigil: TestVigil;
let sse: SseReader;
const SERVICE = 'checkout';
const METRIC = 'queue.depth';
const ATTRS = { queue: 'orders/eu' }; // a '/' that the series key must carry through a URL
const NORMAL = 300;
const SHIFT_AT = BASE_MS + NORMAL * MINUTE_MS;
const noise = seededNoise(42);
const value = (minute: number) => 100 + 2 * noise() + (minute >= NORMAL ? 60 : 0);
const range = `since=${BASE_MS}&until=${BASE_MS + 400 * MINUTE_MS}`;

beforeAll(async () => {
  vigil = await startTestVigil();
  sse = await openSse(`${vigil.url}/api/v1/anomalies/stream?service=${SERVICE}`);
});
afterAll(async () => {
  sse?.close();
  await vigil?.stop();
});

describe('online anomaly detection', () => {
  let sentAtMs = 0;
  let ackedAtMs = 0;

  it('sends 300 normal minutes, then a level shift', async () => {
    for (let start = 0; start < NORMAL; start += 50) {
      const points = Array.from({ length: 50 }, (_, i) => [BASE_MS + (start + i) * MINUTE_MS, value(start + i)] as [number, number]);
      await postMetrics(vigil.url, gaugeBody(SERVICE, METRIC, ATTRS, points));
    }
    // The shift's first minute closes once event time is 2 minutes (detect.lagSeconds) past its end.
    const shifted = Array.from({ length: 4 }, (_, i) => [SHIFT_AT + i * MINUTE_MS, value(NORMAL + i)] as [number, number]);
    sentAtMs = Date.now();
    ackedAtMs = await postMetrics(vigil.url, gaugeBody(SERVICE, METRIC, ATTRS, shifted));
  });

  it('pushes the anomaly on the SSE stream within seconds of the 200', async () => {
    const event = await sse.next((e) => e.event === 'anomaly' && e.data.start === new Date(SHIFT_AT).toISOString(), 30_000);
    const latencyMs = event.atMs - ackedAtMs;
    // Detection runs beside the store writer, so the event may even beat the 200 (negative).
    console.log(`SSE anomaly arrived ${latencyMs} ms after the ingest 200 (${event.atMs - sentAtMs} ms after the request was sent)`);
    expect(latencyMs).toBeLessThan(15_000); // goal 5 s; generous for noisy CI machines
    expect(event.data).toMatchObject({ type: 'open', service: SERVICE, signal: 'metric', name: METRIC, stat: 'value', status: 'open', attributes: ATTRS });
    expect(event.data.peakScore).toBeGreaterThanOrEqual(0.5);
    expect(event.data.actual).toBeGreaterThan(140);
  });

  it('serves the anomaly on GET /api/v1/anomalies, once for the one shift', async () => {
    const found = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=${SERVICE}&signal=metric`);
      return anomalies.some((a: any) => a.start === new Date(SHIFT_AT).toISOString()) && anomalies;
    });
    const afterShift = found.filter((a: any) => Date.parse(a.start) >= SHIFT_AT);
    expect(afterShift).toHaveLength(1);
    expect(afterShift[0]).toMatchObject({ service: SERVICE, name: METRIC, detector: 'vigil' });
    expect(afterShift[0].seriesKey).toBe('metric:checkout:queue.depth:value:queue=orders%2Feu');

    const none = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=nobody`);
    expect(none.anomalies).toEqual([]);
    const bad = await fetch(`${vigil.url}/api/v1/anomalies?minScore=2`);
    expect(bad.status).toBe(400);
  });

  it('charts the series: values, expected band and scores per minute', async () => {
    const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=${SERVICE}`);
    const key = anomalies.find((a: any) => a.start === new Date(SHIFT_AT).toISOString()).seriesKey;
    const chart = await eventually(async () => {
      const c = await getJson(`${vigil.url}/api/v1/series/${encodeURIComponent(key)}/scores?${range}`);
      return c.times.includes(SHIFT_AT) && c;
    });
    expect(chart.key).toBe(key);
    expect(chart.times.length).toBeGreaterThanOrEqual(NORMAL);
    expect(chart.times[0]).toBe(BASE_MS);
    for (const column of ['values', 'expected', 'lower', 'upper', 'scores']) expect(chart[column]).toHaveLength(chart.times.length);
    const at = chart.times.indexOf(SHIFT_AT);
    expect(chart.values[at]).toBeGreaterThan(140);
    expect(chart.scores[at]).toBeGreaterThanOrEqual(0.5);
    expect(chart.upper[at]).toBeLessThan(chart.values[at]);
    expect(Math.max(...chart.scores.slice(0, at))).toBeLessThan(chart.scores[at]);
    const notAKey = await fetch(`${vigil.url}/api/v1/series/${encodeURIComponent('cpu')}/scores`);
    expect(notAKey.status).toBe(400);
    expect(await notAKey.json()).toMatchObject({ code: 'API_BAD_REQUEST' });
  });
});
