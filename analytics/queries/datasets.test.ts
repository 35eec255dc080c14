import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore } from '../chdb-store.js';
import { migrate } from '../migrate.js';
import { insertAnomalies, insertSeriesScores } from './anomalies.js';
import { activeDetectorModel, detectorModelVersion, incidentWindows, saveDetectorModel } from './datasets.js';
import { insertIncidents, type IncidentRecord } from './incidents.js';

/** The dataset views on the real engine: labels, outcomes and resolutions as documented. */
const T0 = Date.UTC(2026, 2, 2, 8);
const MIN = 60_000;
const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'vigil-datasets-'));
const store = new ChdbStore(dir);

const seconds = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;

function incident(id: string, patch: Partial<IncidentRecord>): IncidentRecord {
  return { id, fingerprint: id, title: id, status: 'resolved', severity: 'critical', services: ['checkout'], rootService: 'checkout', startMs: T0, updatedMs: T0, anomalyIds: [], suspects: [], version: 1, ...patch };
}

async function event(type: string, service: string, timeMs: number, id: string, data: object): Promise<void> {
  await store.insertJsonEachRow('events', Buffer.from(JSON.stringify({ Time: seconds(timeMs), Id: id, Source: 'ci', Type: type, SpecVersion: '1.0', Data: JSON.stringify(data), ServiceName: service })));
}

const deployed = (env = 'prod') => ({ subject: { content: { environment: { id: env }, artifactId: 'pkg:oci/app' } }, customData: { version: '1.0' } });

beforeAll(async () => {
  await migrate(store, { ttlDays: 0 });
  await insertIncidents(store, [
    { incident: incident('inc-1', { startMs: T0 + HOUR, resolvedMs: T0 + 1.5 * HOUR, suspects: [{ kind: 'change', name: 'deploy checkout 1.0', service: 'checkout', rank: 1 }] }), engineState: '' },
    { incident: incident('inc-2', { services: ['search'], rootService: 'search', status: 'open', startMs: T0 + 10 * HOUR }), engineState: '' },
    { incident: incident('inc-3', { startMs: T0 + 40 * HOUR, resolvedMs: T0 + 41 * HOUR, resolvedBy: 'alice', acknowledgedMs: T0 + 40 * HOUR + 5 * MIN, acknowledgedBy: 'alice' }), engineState: '' },
  ]);
  await event('dev.cdevents.service.deployed.0.2.0', 'checkout', T0, 'd1', deployed());
  await event('dev.cdevents.service.deployed.0.2.0', 'checkout', T0 + 2 * HOUR, 'd2', deployed());
  await event('dev.cdevents.service.rolledback.0.2.0', 'checkout', T0 + 3 * HOUR, 'r1', deployed());
  await event('dev.cdevents.service.deployed.0.2.0', 'checkout', T0 + 30 * HOUR, 'd3', deployed());
  await event('dev.cdevents.service.deployed.0.2.0', 'payments', T0, 'd4', deployed());
  await event('dev.cdevents.incident.reported.0.2.0', 'payments', T0 + 30 * HOUR, 'ir1', { subject: { id: 'ext-7', content: { environment: { id: 'prod' } } } });

  const key = 'span_errors:checkout:POST%20%2Fcheckout:ratio';
  const start = T0 + 50 * MIN;
  await insertSeriesScores(store, Array.from({ length: 20 }, (_, i) => ({ key, timeMs: start + i * MIN, value: i, expected: 0, lower: 0, upper: 1, score: i >= 8 && i <= 12 ? 0.9 : 0.1 })));
  await insertAnomalies(store, [{
    id: 'a1', seriesKey: key, signal: 'span_errors', service: 'checkout', name: 'POST /checkout', stat: 'ratio', attributes: {},
    startMs: start + 8 * MIN, endMs: start + 12 * MIN, peakScore: 0.9, peakMs: start + 9 * MIN, expected: 0, actual: 9, lower: 0, upper: 1, detector: 'vigil', status: 'closed', updatedAtMs: Date.now(),
  }]);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dataset views', () => {
  it('dataset_metric_anomalies_labeled labels each point with the anomaly and the incident covering it', async () => {
    const rows = await store.query<{ m: string; ServiceName: string; Name: string; Signal: string; IsAnomaly: number; AnomalyId: string; InIncident: number; IncidentId: string }>(
      `SELECT toString(intDiv(toUnixTimestamp64Milli(Time) - {t0:Int64}, 60000)) AS m, ServiceName, Name, Signal, IsAnomaly, AnomalyId, InIncident, IncidentId
      FROM dataset_metric_anomalies_labeled ORDER BY Time`, { t0: String(T0) });
    expect(rows).toHaveLength(20);
    expect(rows[0]).toMatchObject({ ServiceName: 'checkout', Name: 'POST /checkout', Signal: 'span_errors' });
    expect(rows.filter((r) => r.IsAnomaly === 1).map((r) => Number(r.m))).toEqual([58, 59, 60, 61, 62]);
    expect(new Set(rows.filter((r) => r.IsAnomaly === 1).map((r) => r.AnomalyId))).toEqual(new Set(['a1']));
    expect(rows.filter((r) => r.IsAnomaly === 0).every((r) => r.AnomalyId === '')).toBe(true);
    expect(rows.filter((r) => r.InIncident === 1).map((r) => Number(r.m))).toEqual([60, 61, 62, 63, 64, 65, 66, 67, 68, 69]);
    expect(rows.find((r) => r.InIncident === 1)!.IncidentId).toBe('inc-1');
  });

  it('dataset_changes_outcomes charges the first failure before the next deployment, as DORA does', async () => {
    const rows = await store.query<{ DeploymentRef: string; FirstFailureKind: string; FirstFailureRef: string; HoursToFailure: number | null; Failed: number; NextDeployTime: string | null }>(
      'SELECT DeploymentRef, FirstFailureKind, FirstFailureRef, HoursToFailure, Failed, NextDeployTime FROM dataset_changes_outcomes ORDER BY Time, ServiceName');
    const byRef = Object.fromEntries(rows.map((r) => [r.DeploymentRef, r]));
    expect(Object.keys(byRef).sort()).toEqual(['ci/d1', 'ci/d2', 'ci/d3', 'ci/d4']);
    expect(byRef['ci/d1']).toMatchObject({ FirstFailureKind: 'incident', FirstFailureRef: 'inc-1', HoursToFailure: 1, Failed: 1 });
    expect(byRef['ci/d2']).toMatchObject({ FirstFailureKind: 'rollback', FirstFailureRef: 'ci/r1', HoursToFailure: 1, Failed: 1 });
    expect(byRef['ci/d3']).toMatchObject({ Failed: 1, FirstFailureRef: 'inc-3', HoursToFailure: 10, NextDeployTime: null });
    // A failure past the 24-hour window is reported, but the deployment did not fail.
    expect(byRef['ci/d4']).toMatchObject({ FirstFailureKind: 'reported-incident', FirstFailureRef: 'ext-7', HoursToFailure: 30, Failed: 0 });
  });

  it('dataset_incidents tells manual from automatic resolution and times to acknowledge and resolve', async () => {
    const rows = await store.query<Record<string, unknown>>('SELECT IncidentId, Resolution, SecondsToAcknowledge, SecondsToResolve, TopSuspectKind, TopSuspect, ResolvedAt FROM dataset_incidents ORDER BY StartTime');
    expect(rows).toMatchObject([
      { IncidentId: 'inc-1', Resolution: 'auto', SecondsToAcknowledge: null, SecondsToResolve: 1800, TopSuspectKind: 'change', TopSuspect: 'deploy checkout 1.0' },
      { IncidentId: 'inc-2', Resolution: '', SecondsToResolve: null, ResolvedAt: null },
      { IncidentId: 'inc-3', Resolution: 'manual', SecondsToAcknowledge: 300, SecondsToResolve: 3600 },
    ]);
  });

  it('incidentWindows are the incidents of a range (the labels of a backtest)', async () => {
    const windows = await incidentWindows(store, { sinceMs: T0 + 2 * HOUR, untilMs: T0 + 20 * HOUR });
    expect(windows.map((w) => w.id)).toEqual(['inc-2']);
    expect(windows[0]).toMatchObject({ services: ['search'], resolvedMs: 0 });
  });

  it('detector_models: the newest model of a name is the active one', async () => {
    expect(await detectorModelVersion(store, 'm')).toBe(0);
    const base = { name: 'm', kind: 'iforest', dataset: 'dataset_service_features_1m', features: ['Calls'], trainedSinceMs: T0, trainedUntilMs: T0 + HOUR, samples: 60 };
    await saveDetectorModel(store, { ...base, model: '{"v":1,"old":true}', createdMs: T0 + 2 * HOUR });
    await saveDetectorModel(store, { ...base, model: '{"v":1,"old":false}', createdMs: T0 + 3 * HOUR });
    expect(await detectorModelVersion(store, 'm')).toBe(T0 + 3 * HOUR);
    expect(await activeDetectorModel(store, 'm')).toMatchObject({ ...base, model: '{"v":1,"old":false}', createdMs: T0 + 3 * HOUR });
    expect(await activeDetectorModel(store, 'other')).toBeUndefined();
  });
});
