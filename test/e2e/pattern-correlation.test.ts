import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { postLogs } from '../helpers/logs-json.js';
import { BASE_MS, gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';

/**
 * An error pattern that surges in a service around the start of a metric anomaly of that
 * service becomes an anomaly pointing at it; a warning that logs steadily does not.
 */
let vigil: TestVigil;
const SERVICE = 'payments';
const NORMAL = 300;
const SHIFT_AT = BASE_MS + NORMAL * MINUTE_MS;
const noise = seededNoise(7);
const range = `since=${BASE_MS}&until=${BASE_MS + 400 * MINUTE_MS}`;

beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

async function sendLogs(lines: Array<{ minute: number; body: string; severity: 'WARN' | 'ERROR' }>) {
  const status = await postLogs(vigil.url, SERVICE, lines.map((l) => ({ ...l, timeMs: BASE_MS + l.minute * 60_000 })));
  expect(status).toBe(200);
}

describe('error patterns that accompany a metric anomaly', () => {
  it('links the surging error pattern to the anomaly, not the steady warning', async () => {
    const steady = Array.from({ length: 70 }, (_, i) => ({ minute: 231 + i, body: `cache miss for key k${i * 17} in region eu`, severity: 'WARN' as const }));
    const surge = Array.from({ length: 12 }, (_, i) => ({ minute: 297 + (i % 4), body: `payment gateway timeout after ${900 + i * 7} ms`, severity: 'ERROR' as const }));
    await sendLogs([...steady, ...surge]);

    for (let start = 0; start < NORMAL; start += 50) {
      const points = Array.from({ length: 50 }, (_, i) => [BASE_MS + (start + i) * MINUTE_MS, 100 + 2 * noise()] as [number, number]);
      await postMetrics(vigil.url, gaugeBody(SERVICE, 'queue.depth', {}, points));
    }
    const shifted = Array.from({ length: 4 }, (_, i) => [SHIFT_AT + i * MINUTE_MS, 160 + 2 * noise()] as [number, number]);
    await postMetrics(vigil.url, gaugeBody(SERVICE, 'queue.depth', {}, shifted));

    const correlated = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=${SERVICE}&signal=log_pattern_correlated`);
      return anomalies.length > 0 ? anomalies : undefined;
    }, 30_000);
    // Template texts reach the store with the next template flush (every 2 s).
    const gateway = await eventually(async () => {
      const { patterns } = await getJson(`${vigil.url}/api/v1/patterns?${range}&service=${SERVICE}`);
      return patterns.find((p: any) => /^payment gateway timeout/.test(p.template ?? ''));
    });
    expect(correlated).toHaveLength(1);
    expect(correlated[0]).toMatchObject({ detector: 'pattern-correlation', start: new Date(SHIFT_AT).toISOString() });
    expect(correlated[0].attributes).toMatchObject({ templateId: gateway.id, relatedSeriesKey: 'metric:payments:queue.depth:value', lift: 'new' });
    // The runner writes its anomalies every second; the correlation may be stored first.
    const related = await eventually(async () => {
      const { anomalies: metric } = await getJson(`${vigil.url}/api/v1/anomalies?${range}&service=${SERVICE}&signal=metric`);
      return metric.find((a: any) => a.id === correlated[0].attributes.relatedAnomalyId);
    });
    expect(related.seriesKey).toBe('metric:payments:queue.depth:value');
  });
});
