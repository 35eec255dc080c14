import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbStore, migrate, queries } from '../analytics/index.js';
import { ENGINE_DEFAULTS, INCIDENT_TOPIC, type IncidentCommand, type IncidentMessage } from '../detectors/incidents/index.js';
import { ANOMALY_TOPIC, type AnomalyMessage } from '../detectors/runner/index.js';
import { MemoryBus, TOPICS, type IngestEnvelope } from '../ingest/index.js';
import { IncidentRuntime } from './incidents.js';
import { createLogger } from './logger.js';

/**
 * The incident runtime on a real chDB store: transitions are written and published, and a
 * restarted runtime continues the open incident instead of opening another.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-incidents-'));
const store = new ChdbStore(dir);
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const logger = createLogger('silent');

function anomaly(service: string, startMs: number): AnomalyMessage {
  return {
    type: 'open',
    anomaly: {
      id: `${service}-${startMs}`, seriesKey: `span_errors:${service}:POST%20%2Fpay:ratio`, signal: 'span_errors', service, name: 'POST /pay', stat: 'ratio', attributes: {},
      startMs, endMs: startMs, peakScore: 0.95, peakMs: startMs, expected: 0, actual: 0.5, lower: 0, upper: 0.01, detector: 'vigil', status: 'open', updatedAtMs: Date.now(),
    },
  };
}

async function start() {
  const anomalies = new MemoryBus<AnomalyMessage>({ lingerMs: 0 });
  const ingest = new MemoryBus<IngestEnvelope>({ lingerMs: 0 });
  const incidents = new MemoryBus<IncidentMessage>({ lingerMs: 0 });
  const seen: IncidentMessage[] = [];
  await incidents.subscribe({ topic: INCIDENT_TOPIC, groupId: 'test', onBatch: async (ms) => void seen.push(...ms.map((m) => m.value)) });
  const runtime = new IncidentRuntime({ store, logger, anomalies, ingest, incidents }, { ...ENGINE_DEFAULTS, topologyRefreshMs: 30_000 });
  await runtime.start();
  const tick = (ms: number) => ingest.publish(TOPICS.events, [{ key: 'x', id: `tick-${ms}`, value: { tables: {}, rows: { events: [{ Id: `e${ms}`, Source: '/t', Type: 'test.tick', SpecVersion: '1.0', Subject: '', Time: `${ms / 1000}.000000000`, DataContentType: '', DataSchema: '', Data: '', Extensions: {}, Practice: 'other', ServiceName: '' }] } } }]);
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(check()).toBe(true);
  };
  const close = async () => {
    await runtime.close();
    await anomalies.close();
    await ingest.close();
    await incidents.close();
  };
  return { runtime, anomalies, seen, tick, until, close };
}

describe('incident runtime', () => {
  it('writes and publishes transitions, and continues an open incident after a restart', async () => {
    await migrate(store, { ttlDays: 0 });
    const first = await start();
    await first.anomalies.publish(ANOMALY_TOPIC, [{ key: 'a', id: 'a1', value: anomaly('payments', T) }]);
    await first.tick(T + 30_000);
    await first.until(() => first.seen.some((m) => m.transition === 'opened'));
    const id = first.seen[0].incident.id;
    const acked = await first.runtime.ack(id, 'alice');
    expect(acked).toMatchObject({ status: 'acknowledged', version: 2 });
    await expect(first.runtime.ack('nope', 'alice')).rejects.toMatchObject({ code: 'API_NOT_FOUND' });
    await first.close();
    expect(await queries.getIncident(store, id)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', version: 2 });
    expect((await queries.incidentTimeline(store, id)).map((t) => t.kind)).toEqual(['anomaly-joined', 'opened', 'suspects-ranked', 'acknowledged']);

    const second = await start();
    expect(second.runtime.live().map((i) => i.id)).toEqual([id]);
    await second.anomalies.publish(ANOMALY_TOPIC, [{ key: 'b', id: 'b1', value: anomaly('payments', T + 60_000) }]);
    await second.until(() => second.seen.length > 0);
    expect(second.seen.map((m) => `${m.transition}@${m.incident.version}`)).toEqual(['updated@3']);
    expect(second.seen[0].incident).toMatchObject({ id, status: 'acknowledged' });
    await expect(second.runtime.resolve(id, 'bob')).resolves.toMatchObject({ status: 'resolved', resolvedBy: 'bob', version: 4 });
    await second.close();
    expect(await queries.getIncident(store, id)).toMatchObject({ status: 'resolved', resolvedBy: 'bob', version: 4 });
  });

  it('applies an incident command once, even delivered again after a reopen or a restart', async () => {
    const T2 = T + 3 * 3_600_000;
    const first = await start();
    await first.anomalies.publish(ANOMALY_TOPIC, [{ key: 'c', id: 'c1', value: anomaly('orders', T2) }]);
    await first.tick(T2 + 30_000);
    await first.until(() => first.seen.some((m) => m.transition === 'opened' && m.incident.services.includes('orders')));
    const id = first.seen.find((m) => m.transition === 'opened')!.incident.id;
    const resolve: IncidentCommand = { id: 'cmd-1', action: 'resolve', incidentId: id, by: 'carol', issuedAtMs: Date.now(), note: 'rolled back' };
    await first.runtime.applyCommand(resolve);
    await first.until(() => first.seen.some((m) => m.transition === 'resolved'));
    expect(first.seen.find((m) => m.transition === 'resolved')).toMatchObject({ commandId: 'cmd-1', incident: { id, status: 'resolved', resolvedBy: 'carol' } });

    // A related anomaly reopens it; the same command delivered again must not resolve it again.
    await first.anomalies.publish(ANOMALY_TOPIC, [{ key: 'c', id: 'c2', value: anomaly('orders', T2 + 60_000) }]);
    await first.until(() => first.seen.some((m) => m.transition === 'reopened'));
    await first.runtime.applyCommand(resolve);
    expect(first.runtime.live().find((i) => i.id === id)?.status).toBe('open');
    await first.close();

    const second = await start(); // remembers applied commands from the timeline
    await second.runtime.applyCommand(resolve);
    expect(second.runtime.live().find((i) => i.id === id)?.status).toBe('open');
    expect(second.seen.filter((m) => m.incident.id === id)).toEqual([]);
    const ack: IncidentCommand = { id: 'cmd-2', action: 'ack', incidentId: id, by: 'dave', issuedAtMs: Date.now() };
    await second.runtime.applyCommand(ack);
    await second.runtime.applyCommand({ id: 'cmd-3', action: 'ack', incidentId: 'nope', by: 'dave', issuedAtMs: Date.now() }); // refused: logged, not thrown
    await second.close();
    expect(second.seen.filter((m) => m.incident.id === id).map((m) => [m.transition, m.commandId])).toEqual([['acknowledged', 'cmd-2']]);
    const timeline = await queries.incidentTimeline(store, id);
    expect(timeline.filter((t) => t.kind === 'resolved' || t.kind === 'acknowledged').map((t) => [t.kind, t.ref, t.attributes])).toEqual([
      ['resolved', 'carol', { command: 'cmd-1', note: 'rolled back' }],
      ['acknowledged', 'dave', { command: 'cmd-2' }],
    ]);
  });
});
