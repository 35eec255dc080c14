import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { queries } from '../../analytics/index.js';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { BASE_MS, gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';

/**
 * Detector state survives a restart: the first run learns a series past the detector's
 * warm-up and checkpoints it on close; the second restores it on the series' first point,
 * so it raises no warm-up false alarm and catches a shift 25 points later — which a
 * relearning detector, still warming up, could not.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-restart-'));
let vigil: TestVigil | undefined;
afterAll(async () => {
  await vigil?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const noise = seededNoise(11);
const points = (from: number, to: number, shiftFrom = Infinity) =>
  Array.from({ length: to - from }, (_, i) => [BASE_MS + (from + i) * MINUTE_MS, 20 + noise() + (from + i >= shiftFrom ? 15 : 0)] as [number, number]);
const body = (p: Array<[number, number]>) => gaugeBody('payments', 'pool.active', {}, p);
const range = `since=${BASE_MS}&until=${BASE_MS + 1000 * MINUTE_MS}&service=payments`;

describe('detector state across a restart', () => {
  it('checkpoints on close and resumes on the next start', async () => {
    vigil = await startTestVigil({ 'store.dataDir': dataDir });
    for (let m = 0; m < 200; m += 50) await postMetrics(vigil.url, body(points(m, m + 50)));
    await vigil.close();

    vigil = await startTestVigil({ 'store.dataDir': dataDir });
    expect(await queries.detectorStateCount(vigil.store)).toBeGreaterThan(0);

    await postMetrics(vigil.url, body(points(200, 225)));
    const scored = await eventually(async () => {
      const key = 'metric:payments:pool.active:value';
      const c = await getJson(`${vigil!.url}/api/v1/series/${encodeURIComponent(key)}/scores?${range}`);
      return c.times.includes(BASE_MS + 221 * MINUTE_MS) && c; // 224 is 2 minutes (the lag) past 221's end
    });
    expect(scored.times.length).toBeGreaterThanOrEqual(220);
    const health = await getJson(`${vigil.url}/api/v1/health`);
    expect(health.detection).toMatchObject({ seriesInMemory: 1, restoredSeries: 1 });
    const quiet = await getJson(`${vigil.url}/api/v1/anomalies?${range}`);
    expect(quiet.anomalies.filter((a: any) => Date.parse(a.start) >= BASE_MS + 200 * MINUTE_MS)).toEqual([]);

    const SHIFT = 225;
    await postMetrics(vigil.url, body(points(225, 230, SHIFT)));
    const found = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil!.url}/api/v1/anomalies?${range}`);
      return anomalies.find((a: any) => a.start === new Date(BASE_MS + SHIFT * MINUTE_MS).toISOString());
    });
    expect(found).toMatchObject({ service: 'payments', name: 'pool.active', status: 'open' });
  });
});
