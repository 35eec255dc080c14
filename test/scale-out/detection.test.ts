/**
 * Distributed detection through a real broker: gateway → Kafka → writer + detector over a store
 * role, with an api role serving the result. A gauge with 300 steady event-time minutes shifts
 * level; the detector must find it, store it (GET /api/v1/anomalies on the api role) and
 * publish it on vigil.anomalies (the api role's SSE stream), and checkpoint its detector states
 * in the store when it stops.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, getJson } from '../helpers/embedded.js';
import { BASE_MS, gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';
import { spawnApi, spawnDetector, spawnGateway, spawnStoreRole, spawnWriter, stopProcess, type StoreRole } from '../helpers/roles.js';
import { openSse, type SseReader } from '../helpers/sse.js';
import type { VigilProcess } from '../helpers/vigil-process.js';
import { describeWithKafka } from '../kafka/kafka-env.js';

const NORMAL = 300;
const SHIFT_AT = BASE_MS + NORMAL * MINUTE_MS;
const METRIC = 'queue.depth';

describeWithKafka('scale-out: distributed detection (gateway → Kafka → writer + detector, api role)', (brokers) => {
  const broker = brokers.join(',');
  const run = randomUUID().slice(0, 8);
  // Own consumer groups and service: a broker shared with other runs keeps its offsets and data.
  const env = { VIGIL_KAFKA_WRITER_GROUP_ID: `vigil-writer-${run}`, VIGIL_KAFKA_DETECTOR_GROUP_ID: `vigil-detector-${run}` };
  const service = `detect-${run}`;
  const noise = seededNoise(7);
  const value = (minute: number) => 100 + 2 * noise() + (minute >= NORMAL ? 60 : 0);
  const range = `since=${BASE_MS}&until=${BASE_MS + 400 * MINUTE_MS}`;
  let store: StoreRole;
  let writer: VigilProcess;
  let detector: VigilProcess;
  let api: VigilProcess;
  let gateway: VigilProcess;
  let sse: SseReader;

  beforeAll(async () => {
    store = await spawnStoreRole();
    [writer, detector, api, gateway] = await Promise.all([spawnWriter(broker, store, env), spawnDetector(broker, store, env), spawnApi(broker, store, env), spawnGateway(broker, env)]);
    sse = await openSse(`${api.url}/api/v1/anomalies/stream?service=${service}`);
  }, 180_000);
  afterAll(async () => {
    sse?.close();
    await Promise.all([stopProcess(gateway), stopProcess(writer), stopProcess(detector), stopProcess(api)]);
    await stopProcess(store);
    if (store) rmSync(store.dataDir, { recursive: true, force: true });
  }, 120_000);

  it('finds a level shift sent through the gateway: stored, served by the api role, streamed from vigil.anomalies', async () => {
    for (let start = 0; start < NORMAL; start += 50) {
      const points = Array.from({ length: 50 }, (_, i) => [BASE_MS + (start + i) * MINUTE_MS, value(start + i)] as [number, number]);
      await postMetrics(gateway.url, gaugeBody(service, METRIC, {}, points));
    }
    // The shift's first minute closes once event time is detect.lagSeconds (2 min) past its end.
    const shifted = Array.from({ length: 4 }, (_, i) => [SHIFT_AT + i * MINUTE_MS, value(NORMAL + i)] as [number, number]);
    await postMetrics(gateway.url, gaugeBody(service, METRIC, {}, shifted));

    const found = await eventually(async () => {
      const { anomalies } = await getJson(`${api.url}/api/v1/anomalies?${range}&service=${service}&signal=metric`);
      return anomalies.some((a: any) => a.start === new Date(SHIFT_AT).toISOString()) && anomalies;
    }, 90_000, 500).catch((err) => {
      throw new Error(`${(err as Error).message}\ndetector output:\n${detector.output().slice(-3000)}`);
    });
    const afterShift = found.filter((a: any) => Date.parse(a.start) >= SHIFT_AT);
    expect(afterShift).toHaveLength(1);
    expect(afterShift[0]).toMatchObject({ service, name: METRIC, detector: 'vigil' });

    const event = await sse.next((e) => e.event === 'anomaly' && e.data.start === new Date(SHIFT_AT).toISOString(), 30_000).catch((err) => {
      throw new Error(`${(err as Error).message}\napi output:\n${api.output().slice(-3000)}\ndetector output:\n${detector.output().slice(-3000)}`);
    });
    expect(event.data).toMatchObject({ type: 'open', service, signal: 'metric', name: METRIC, stat: 'value' });
    expect(event.data.peakScore).toBeGreaterThanOrEqual(0.5);
    // The writer stored every point the detector scored.
    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM otel_metrics_gauge WHERE ServiceName = '${service}'`);
    expect(Number(n)).toBe(NORMAL + 4);

    const health = await eventually(async () => {
      const h = await getJson(`${detector.url}/api/v1/health`);
      return h.status === 'ok' && h.detection?.seriesInMemory > 0 && h;
    }, 30_000, 500);
    expect(health).toMatchObject({ role: 'detector' });
    expect(typeof health.consumerLag.total).toBe('number');
    const apiHealth = await getJson(`${api.url}/api/v1/health`);
    expect(apiHealth).toMatchObject({ status: 'ok', role: 'api' });
  }, 180_000);

  it('checkpoints its detector states to the store when it stops, promptly on SIGTERM', async () => {
    const startedMs = Date.now();
    await stopProcess(detector, 'SIGTERM', 30_000);
    expect(detector.child.exitCode).toBe(0);
    expect(Date.now() - startedMs).toBeLessThan(30_000);
    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM detector_state FINAL WHERE SeriesKey LIKE 'metric:${service}:%'`);
    expect(Number(n)).toBeGreaterThan(0);
  }, 60_000);
});
