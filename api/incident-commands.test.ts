import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore, migrate, queries } from '../analytics/index.js';
import { INCIDENT_COMMAND_TOPIC, type Incident, type IncidentCommand } from '../detectors/incidents/index.js';
import type { BusMessage } from '../ingest/index.js';
import { IncidentCommandClient } from './incident-commands.js';

/**
 * The api role's side of incident commands, on a real chDB store with a recording bus below the
 * Bus port: checked against the store, sent keyed by incident, answered by the transition that
 * names the command, or "pending" when none came back in time.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-incident-commands-'));
const store = new ChdbStore(dir);
const T = Date.UTC(2026, 0, 1, 12, 0, 0);

function incident(id: string, status: Incident['status'], version = 1): Incident {
  return { id, fingerprint: `fp-${id}`, title: `incident ${id}`, status, severity: 'error', services: ['payments'], rootService: 'payments', startMs: T, updatedMs: T, anomalyIds: [], suspects: [], version };
}

beforeAll(async () => {
  await migrate(store, { ttlDays: 0 });
  await queries.insertIncidents(store, [
    { incident: incident('open-1', 'open'), engineState: '' },
    { incident: incident('resolved-1', 'resolved'), engineState: '' },
  ]);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function client(options: { waitMs?: number; fail?: boolean } = {}) {
  const sent: Array<{ topic: string; messages: BusMessage<IncidentCommand>[] }> = [];
  const commands = {
    publish: async (topic: string, messages: BusMessage<IncidentCommand>[]) => {
      if (options.fail) throw new Error('broker down');
      sent.push({ topic, messages });
    },
  };
  return { sent, commands: new IncidentCommandClient({ store, commands }, { waitMs: options.waitMs ?? 2_000 }) };
}

describe('incident commands (api role)', () => {
  it('sends the command keyed by incident and answers with the transition that names it', async () => {
    const { sent, commands } = client();
    const answer = commands.send('ack', 'open-1', 'alice', 'on it');
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toHaveLength(1);
    const [{ topic, messages }] = sent;
    expect(topic).toBe(INCIDENT_COMMAND_TOPIC);
    expect(messages[0]).toMatchObject({ key: 'open-1', id: messages[0].value.id, value: { action: 'ack', incidentId: 'open-1', by: 'alice', note: 'on it' } });
    const commandId = messages[0].value.id;
    commands.observe({ transition: 'acknowledged', incident: { ...incident('open-1', 'acknowledged', 2), acknowledgedBy: 'someone-else' }, atMs: Date.now() }); // not this command's
    commands.observe({ transition: 'acknowledged', incident: { ...incident('open-1', 'acknowledged', 2), acknowledgedBy: 'alice' }, atMs: Date.now(), commandId });
    expect(await answer).toEqual({ incident: expect.objectContaining({ status: 'acknowledged', acknowledgedBy: 'alice', version: 2 }), commandId, pending: false });
  });

  it('answers pending with the stored incident when the engine does not answer in time', async () => {
    const { sent, commands } = client({ waitMs: 100 });
    const outcome = await commands.send('resolve', 'open-1', 'bob');
    expect(outcome).toMatchObject({ pending: true, commandId: sent[0].messages[0].value.id, incident: { id: 'open-1', status: 'open' } });
  });

  it('refuses what the store already rules out, and sends nothing when nothing is to do', async () => {
    const { sent, commands } = client();
    await expect(commands.send('ack', 'nope', 'alice')).rejects.toMatchObject({ code: 'API_NOT_FOUND' });
    await expect(commands.send('ack', 'resolved-1', 'alice')).rejects.toMatchObject({ code: 'INCIDENT_INVALID_TRANSITION' });
    await expect(commands.send('resolve', 'resolved-1', 'alice')).resolves.toEqual({ pending: false, incident: expect.objectContaining({ status: 'resolved' }) });
    expect(sent).toEqual([]);
  });

  it('answers a retryable error when the command cannot be sent', async () => {
    const { commands } = client({ fail: true });
    await expect(commands.send('ack', 'open-1', 'alice')).rejects.toMatchObject({ code: 'INCIDENT_COMMAND_UNAVAILABLE', status: 503 });
  });
});
