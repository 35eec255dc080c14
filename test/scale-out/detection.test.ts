/**
 * Distributed detection through a real broker: gateway → Kafka → writer + detector over a store
 * role, with an api role serving the result. A gauge with 300 steady event-time minutes shifts
 * level; the detector must find it, store it (GET /api/v1/anomalies on the api role) and
 * publish it on vigil.anomalies (the api role's SSE stream), and checkpoint its detector states
 * in the store when it stops. The incident it opens is acknowledged, then resolved, through the
 * api role: commands on vigil.incident-commands, applied by the detector's incident engine, the
 * answer carrying the new status, the store, the timeline and the live stream agreeing; a
 * second one is acknowledged from chat (`/vigil ack`) on the api role, and resolved while the
 * detector is down (202), the command applied once the detector is back.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { slackSignature } from '../../api/chatops/index.js';
import { eventually, getJson } from '../helpers/embedded.js';
import { BASE_MS, gaugeBody, MINUTE_MS, postMetrics, seededNoise } from '../helpers/metrics-json.js';
import { spawnApi, spawnDetector, spawnGateway, spawnStoreRole, spawnWriter, stopProcess, type StoreRole } from '../helpers/roles.js';
import { openSse, type SseReader } from '../helpers/sse.js';
import type { VigilProcess } from '../helpers/vigil-process.js';
import { describeWithKafka } from '../kafka/kafka-env.js';

const NORMAL = 300;
const SHIFT_AT = BASE_MS + NORMAL * MINUTE_MS;
const METRIC = 'queue.depth';
const SLACK_SECRET = 'scale-out-slack-signing-secret';

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
  let chatIncidentId = '';
  const detectorEnv = { ...env, VIGIL_INCIDENTS_SETTLE_SECONDS: '0' };

  beforeAll(async () => {
    store = await spawnStoreRole();
    // The incident engine's event time is the median over the services in the topics, which a
    // shared broker fills with other runs' services: the incident opens as soon as its anomaly
    // arrives (no settling) rather than when that median has moved on.
    const started = await Promise.allSettled([spawnWriter(broker, store, env), spawnDetector(broker, store, detectorEnv), spawnApi(broker, store, { ...env, VIGIL_CHATOPS_SLACK_SIGNING_SECRET: SLACK_SECRET }), spawnGateway(broker, env)]);
    // Every role that did start is kept, so afterAll stops it even when another failed to.
    [writer, detector, api, gateway] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as VigilProcess[];
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
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

  it('acknowledges and resolves the incident through the api role (incident commands to the detector\'s engine)', async () => {
    const incident = await eventually(async () => {
      const { incidents } = await getJson(`${api.url}/api/v1/incidents?service=${service}&since=${BASE_MS}`);
      return incidents.find((i: any) => i.status === 'open');
    }, 60_000, 500).catch(async (err) => {
      const { anomalies } = await getJson(`${api.url}/api/v1/anomalies?${range}&service=${service}`);
      throw new Error(`${(err as Error).message}\nanomalies: ${JSON.stringify(anomalies)}\ndetector output:\n${detector.output().slice(-3000)}`);
    });
    const action = (id: string, verb: 'ack' | 'resolve', body: object) =>
      fetch(`${api.url}/api/v1/incidents/${encodeURIComponent(id)}/${verb}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const acked = await action(incident.id, 'ack', { by: 'alice', note: 'looking at the queue' });
    expect(acked.status).toBe(200);
    const ackBody: any = await acked.json();
    expect(ackBody.incident).toMatchObject({ id: incident.id, status: 'acknowledged', acknowledgedBy: 'alice' });
    expect(ackBody.incident.version).toBeGreaterThan(incident.version);
    expect(typeof ackBody.commandId).toBe('string');
    const ackEvent = await sse.next((e) => e.event === 'incident' && e.data.id === incident.id && e.data.transition === 'acknowledged', 10_000);
    expect(ackEvent.data).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
    // Acknowledging again needs nothing: answered from the store, no second transition.
    const again = await action(incident.id, 'ack', { by: 'bob' });
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });

    const resolved = await action(incident.id, 'resolve', { by: 'alice' });
    expect(resolved.status).toBe(200);
    const resolveBody: any = await resolved.json();
    expect(resolveBody.incident).toMatchObject({ id: incident.id, status: 'resolved', resolvedBy: 'alice' });
    await sse.next((e) => e.event === 'incident' && e.data.id === incident.id && e.data.transition === 'resolved', 10_000);

    const detail = await eventually(async () => {
      const d = await getJson(`${api.url}/api/v1/incidents/${encodeURIComponent(incident.id)}`);
      return d.incident.status === 'resolved' && d.timeline.some((t: any) => t.kind === 'resolved') && d;
    }, 10_000, 200);
    expect(detail.incident).toMatchObject({ acknowledgedBy: 'alice', resolvedBy: 'alice' });
    const entries = detail.timeline.filter((t: any) => t.kind === 'acknowledged' || t.kind === 'resolved');
    expect(entries.map((t: any) => [t.kind, t.ref, t.attributes])).toEqual([
      ['acknowledged', 'alice', { command: ackBody.commandId, note: 'looking at the queue' }],
      ['resolved', 'alice', { command: resolveBody.commandId }],
    ]);
    expect(sse.events.filter((e) => e.event === 'incident' && e.data.id === incident.id && e.data.transition === 'acknowledged')).toHaveLength(1);

    const refused = await action(incident.id, 'ack', { by: 'bob' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'INCIDENT_INVALID_TRANSITION' });
    const missing = await action('no-such-incident', 'resolve', {});
    expect(missing.status).toBe(404);
  }, 120_000);

  it('acknowledges an incident from chat on the api role (/vigil ack), the operation recorded through Kafka', async () => {
    const chatService = `chat-${run}`;
    const shifted = (minute: number) => 100 + 2 * noise() + (minute >= NORMAL ? 60 : 0);
    for (let start = 0; start < NORMAL + 4; start += 50) {
      const points = Array.from({ length: Math.min(50, NORMAL + 4 - start) }, (_, i) => [BASE_MS + (start + i) * MINUTE_MS, shifted(start + i)] as [number, number]);
      await postMetrics(gateway.url, gaugeBody(chatService, METRIC, {}, points));
    }
    const incident = await eventually(async () => {
      const { incidents } = await getJson(`${api.url}/api/v1/incidents?service=${chatService}&since=${BASE_MS}`);
      return incidents.find((i: any) => i.status === 'open');
    }, 90_000, 500);
    chatIncidentId = incident.id;

    const form = new URLSearchParams({ command: '/vigil', text: `ack ${incident.id}`, user_id: 'U123', user_name: 'ana', team_id: 'T9', channel_name: 'ops' }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${api.url}/api/v1/chatops/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': slackSignature(SLACK_SECRET, timestamp, Buffer.from(form)) },
      body: form,
    });
    expect(res.status).toBe(200);
    const reply: any = await res.json();
    expect(reply).toMatchObject({ response_type: 'in_channel', text: `Incident ${incident.id} acknowledged by ana` });
    expect(JSON.stringify(reply.blocks)).toContain('is *acknowledged*');
    const detail = await eventually(async () => {
      const d = await getJson(`${api.url}/api/v1/incidents/${encodeURIComponent(incident.id)}`);
      return d.incident.status === 'acknowledged' && d.timeline.some((t: any) => t.kind === 'acknowledged') && d;
    }, 10_000, 200);
    expect(detail.incident.acknowledgedBy).toBe('slack:ana');
    const [{ n }] = await eventually(async () => {
      const rows = await store.query<{ n: string }>(`SELECT count() AS n FROM events WHERE Type = 'io.vigil.chatops.operation.v1' AND ServiceName = '${chatService}'`);
      return Number(rows[0].n) > 0 && rows;
    }, 30_000, 500);
    expect(Number(n)).toBe(1);
  }, 180_000);

  it('checkpoints its detector states to the store when it stops, promptly on SIGTERM', async () => {
    const startedMs = Date.now();
    await stopProcess(detector, 'SIGTERM', 30_000);
    expect(detector.child.exitCode).toBe(0);
    expect(Date.now() - startedMs).toBeLessThan(30_000);
    const [{ n }] = await store.query<{ n: string }>(`SELECT count() AS n FROM detector_state FINAL WHERE SeriesKey LIKE 'metric:${service}:%'`);
    expect(Number(n)).toBeGreaterThan(0);
  }, 60_000);

  it('answers 202 while the incident engine is down, and the command is applied when it is back', async () => {
    expect(chatIncidentId).not.toBe('');
    const url = `${api.url}/api/v1/incidents/${encodeURIComponent(chatIncidentId)}/resolve`;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by: 'carol', note: 'queue drained' }) });
    expect(res.status).toBe(202);
    const body: any = await res.json();
    expect(typeof body.commandId).toBe('string');
    expect(body.incident).toMatchObject({ id: chatIncidentId, status: 'acknowledged' });

    detector = await spawnDetector(broker, store, detectorEnv);
    const detail = await eventually(async () => {
      const d = await getJson(`${api.url}/api/v1/incidents/${encodeURIComponent(chatIncidentId)}`);
      return d.incident.status === 'resolved' && d.timeline.some((t: any) => t.kind === 'resolved') && d;
    }, 60_000, 500).catch((err) => {
      throw new Error(`${(err as Error).message}\ndetector output:\n${detector.output().slice(-3000)}`);
    });
    expect(detail.incident).toMatchObject({ resolvedBy: 'carol', acknowledgedBy: 'slack:ana' });
    expect(detail.timeline.filter((t: any) => t.kind === 'resolved').map((t: any) => t.attributes)).toEqual([{ command: body.commandId, note: 'queue drained' }]);
  }, 120_000);
});
