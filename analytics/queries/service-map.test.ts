import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChdbStore } from '../chdb-store.js';
import { migrate } from '../migrate.js';
import { compareSpans } from './trace-compare.js';
import { getIncident, incidentTimeline, insertIncidents, insertTimeline, listIncidents, loadIncidentStates, serviceEvents, type IncidentRecord } from './incidents.js';
import { serviceMap } from './service-map.js';

/**
 * The trace analytics and incident queries on the real engine: spans go through the
 * rollup views exactly as ingest writes them.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-service-map-'));
const store = new ChdbStore(dir);
beforeAll(async () => {
  await migrate(store, { ttlDays: 0 });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const T = Date.UTC(2026, 0, 1, 12, 0, 0);
const nano = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;
let spanSeq = 0;

interface SpanSpec {
  service: string;
  trace: number;
  parent?: string;
  kind: 'Server' | 'Client' | 'Internal' | 'Producer';
  name: string;
  atMs: number;
  durationMs: number;
  error?: boolean;
  attributes?: Record<string, string>;
  resource?: Record<string, string>;
}

function span(s: SpanSpec): { row: Record<string, unknown>; id: string } {
  const id = (++spanSeq).toString(16).padStart(16, '0');
  return {
    id,
    row: {
      Timestamp: nano(s.atMs),
      TraceId: s.trace.toString(16).padStart(32, '0'),
      SpanId: id,
      ParentSpanId: s.parent ?? '',
      TraceState: '',
      SpanName: s.name,
      SpanKind: s.kind,
      ServiceName: s.service,
      ResourceAttributes: { 'service.name': s.service, ...s.resource },
      ScopeName: '',
      ScopeVersion: '',
      SpanAttributes: s.attributes ?? {},
      Duration: String(Math.round(s.durationMs * 1e6)),
      StatusCode: s.error ? 'Error' : 'Unset',
      StatusMessage: '',
    },
  };
}

async function insert(rows: Record<string, unknown>[]) {
  await store.insertJsonEachRow('otel_traces', Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')));
}

describe('service map', () => {
  it('edges between instrumented services, to uninstrumented peers by peer.service / db.system / server.address, and nodes with RED', async () => {
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 20; i++) {
      const at = T + i * 1000;
      const fe = span({ service: 'frontend', trace: 1000 + i, kind: 'Server', name: 'GET /', atMs: at, durationMs: 50 });
      const feClient = span({ service: 'frontend', trace: 1000 + i, parent: fe.id, kind: 'Client', name: 'POST /checkout', atMs: at, durationMs: 40, attributes: { 'server.address': 'checkout.internal' } });
      const co = span({ service: 'checkout', trace: 1000 + i, parent: feClient.id, kind: 'Server', name: 'POST /checkout', atMs: at + 1, durationMs: 30 + i, error: i % 5 === 0 });
      const db = span({ service: 'checkout', trace: 1000 + i, parent: co.id, kind: 'Client', name: 'SELECT orders', atMs: at + 2, durationMs: 10, error: i % 10 === 0, attributes: { 'db.system': 'postgresql', 'db.namespace': 'shop' } });
      const cache = span({ service: 'checkout', trace: 1000 + i, parent: co.id, kind: 'Client', name: 'GET', atMs: at + 3, durationMs: 1, attributes: { 'db.system': 'redis' } });
      const api = span({ service: 'checkout', trace: 1000 + i, parent: co.id, kind: 'Client', name: 'charge', atMs: at + 4, durationMs: 5, attributes: { 'peer.service': 'stripe' } });
      const queue = span({ service: 'checkout', trace: 1000 + i, parent: co.id, kind: 'Producer', name: 'orders publish', atMs: at + 5, durationMs: 1, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' } });
      // the parent (frontend) often arrives after its child: split the batch
      rows.push(co.row, db.row, cache.row, api.row, queue.row);
      if (i % 2 === 0) rows.push(fe.row, feClient.row);
      else await insert([fe.row, feClient.row]);
    }
    await insert(rows);
    const map = await serviceMap(store, { sinceMs: T, untilMs: T + 60_000 });
    const edges = Object.fromEntries(map.edges.map((e) => [`${e.caller}->${e.callee}`, e]));
    expect(Object.keys(edges).sort()).toEqual(['checkout->kafka/orders', 'checkout->postgresql/shop', 'checkout->redis', 'checkout->stripe', 'frontend->checkout']);
    expect(edges['frontend->checkout']).toMatchObject({ calleeKind: 'service', calls: 20, errors: 4 });
    expect(edges['frontend->checkout'].p95Ms).toBeGreaterThan(40);
    expect(edges['checkout->postgresql/shop']).toMatchObject({ calleeKind: 'database', calls: 20, errors: 2, spanNames: ['SELECT orders'] });
    expect(edges['checkout->redis']).toMatchObject({ calleeKind: 'cache', spanNames: ['GET'] });
    expect(edges['checkout->stripe'].calleeKind).toBe('service');
    expect(edges['checkout->kafka/orders'].calleeKind).toBe('queue');
    const nodes = Object.fromEntries(map.nodes.map((n) => [n.name, n]));
    expect(nodes.checkout).toMatchObject({ kind: 'service', calls: 20, errors: 4 });
    expect(nodes.frontend).toMatchObject({ kind: 'service', calls: 20, errors: 0 });
    expect(nodes['postgresql/shop']).toMatchObject({ kind: 'database', calls: 20, errors: 2 });
    expect(nodes.redis.kind).toBe('cache');
    expect(nodes['checkout.internal']).toBeUndefined(); // answered by an instrumented service
  });
});

describe('traces compare', () => {
  it('finds the attribute values over-represented among slow and failed spans against a baseline', async () => {
    const rows: Record<string, unknown>[] = [];
    const B = T + 3_600_000;
    for (let i = 0; i < 200; i++) {
      const baseline = i < 100;
      const at = (baseline ? B : B + 600_000) + (i % 100) * 1000;
      // In the range, requests from v2 on host-b are slow and half of them fail.
      const bad = !baseline && i % 2 === 0;
      rows.push(
        span({
          service: 'payments',
          trace: 5000 + i,
          kind: 'Server',
          name: i % 4 === 0 ? 'POST /refund' : 'POST /pay',
          atMs: at,
          durationMs: bad ? 400 + i : baseline ? 20 + (i % 10) : 20 + (i % 5),
          error: bad && i % 4 === 0,
          attributes: { 'http.route': i % 4 === 0 ? '/refund' : '/pay', 'http.response.status_code': bad && i % 4 === 0 ? '500' : '200' },
          resource: { 'service.version': bad ? '2.0.0' : '1.9.0', 'host.name': bad ? 'host-b' : i % 3 === 0 ? 'host-b' : 'host-a' },
        }).row,
      );
    }
    await insert(rows);
    const c = await compareSpans(store, { service: 'payments', sinceMs: B + 600_000, untilMs: B + 700_000, baselineSinceMs: B, baselineUntilMs: B + 100_000, select: 'both', limit: 10, minShare: 0.05 });
    expect(c).toMatchObject({ spans: 100, baselineSpans: 100, selected: 50, failed: 25 });
    expect(c.baselineP95Ms).toBeLessThan(40);
    const top = c.deltas[0];
    expect(top).toMatchObject({ key: 'resource.service.version', value: '2.0.0', selectedShare: 1, baselineShare: 0 });
    expect(top.lift).toBeGreaterThan(50);
    const host = c.deltas.find((d) => d.key === 'resource.host.name' && d.value === 'host-b')!;
    expect(host.selectedShare).toBe(1);
    expect(host.baselineShare).toBeCloseTo(0.34, 2);
    expect(host.lift).toBeCloseTo(1 / 0.34, 1);
    const errors = await compareSpans(store, { service: 'payments', sinceMs: B + 600_000, untilMs: B + 700_000, baselineSinceMs: B, baselineUntilMs: B + 100_000, select: 'errors', limit: 20, minShare: 0.05 });
    expect(errors.selected).toBe(25);
    expect(errors.deltas.find((d) => d.key === 'http.response.status_code')).toMatchObject({ value: '500', selectedShare: 1, baselineShare: 0 });
    expect(errors.deltas.find((d) => d.key === 'http.route')).toMatchObject({ value: '/refund', selectedShare: 1, baselineShare: 0.25 });
  });
});

describe('incident storage', () => {
  const incident = (version: number, status: string, extra: Partial<IncidentRecord> = {}): IncidentRecord => ({
    id: 'inc-1', fingerprint: 'fp', title: 'Errors in payments', status, severity: 'error', services: ['payments', 'checkout'], rootService: 'payments',
    startMs: T, updatedMs: T + version * 1000, anomalyIds: ['a1'], suspects: [{ kind: 'service', name: 'payments', rank: 1 }], version, ...extra,
  });

  it('keeps the latest version, with DORA\'s columns, and the engine state of live incidents', async () => {
    await insertIncidents(store, [{ incident: incident(1, 'open'), engineState: '{"v":1}' }]);
    await insertIncidents(store, [{ incident: incident(3, 'resolved', { resolvedMs: T + 600_000, resolvedBy: 'vigil' }), engineState: '{"v":3}' }]);
    await insertIncidents(store, [{ incident: incident(2, 'acknowledged', { acknowledgedMs: T + 60_000, acknowledgedBy: 'alice' }), engineState: '{"v":2}' }]);
    await insertIncidents(store, [{ incident: { ...incident(1, 'open'), id: 'inc-2', services: ['search'], rootService: 'search' }, engineState: '{"v":"x"}' }]);
    expect(await getIncident(store, 'inc-1')).toMatchObject({ version: 3, status: 'resolved', resolvedBy: 'vigil', resolvedMs: T + 600_000, acknowledgedMs: undefined, suspects: [{ name: 'payments' }] });
    const dora = await store.query<any>(`SELECT IncidentId, Services, RootService, toUnixTimestamp64Milli(StartTime) AS s, toUnixTimestamp64Milli(ResolvedAt) AS r, Status FROM incidents FINAL ORDER BY IncidentId`);
    expect(dora).toEqual([
      { IncidentId: 'inc-1', Services: ['payments', 'checkout'], RootService: 'payments', s: String(T), r: String(T + 600_000), Status: 'resolved' },
      { IncidentId: 'inc-2', Services: ['search'], RootService: 'search', s: String(T), r: '0', Status: 'open' },
    ]);
    expect((await listIncidents(store, { sinceMs: T, limit: 10, service: 'payments' })).map((i) => i.id)).toEqual(['inc-1']);
    expect((await listIncidents(store, { sinceMs: T + 3_600_000, limit: 10 })).map((i) => i.id)).toEqual(['inc-2']); // open ones whatever their age
    expect((await listIncidents(store, { sinceMs: 0, limit: 10, status: 'open' })).map((i) => i.id)).toEqual(['inc-2']);
    // the latest update is inc-1's resolution at T + 3 s (version 3): resolved 597 s "later" in event time
    expect((await loadIncidentStates(store, 600_000)).sort()).toEqual(['{"v":"x"}', '{"v":3}']);
  });

  it('timeline entries in time order; a re-written entry is stored once', async () => {
    const e = { incidentId: 'inc-1', timeMs: T, kind: 'anomaly-joined', ref: 'a1', message: 'span_errors on payments', attributes: { signal: 'span_errors' } };
    await insertTimeline(store, [{ ...e, timeMs: T + 5000, kind: 'opened', ref: 'fp', message: 'Opened' }, e]);
    await insertTimeline(store, [e]);
    expect((await incidentTimeline(store, 'inc-1')).map((t) => [t.timeMs - T, t.kind])).toEqual([[0, 'anomaly-joined'], [5000, 'opened']]);
  });

  it('reads the service events incidents are blamed on', async () => {
    const event = { Time: nano(T - 90_000), Id: 'd1', Source: '/ci', Type: 'dev.cdevents.service.deployed.0.2.0', SpecVersion: '1.0', Subject: 'payments', DataContentType: 'application/json', DataSchema: '', Data: '{"version":"2.4.1"}', Extensions: {}, Practice: 'devops', ServiceName: 'payments' };
    await store.insertJsonEachRow('events', Buffer.from([event, { ...event, Id: 'd0', Time: nano(T - 7_200_000) }].map((r) => JSON.stringify(r)).join('\n')));
    expect(await serviceEvents(store, { sinceMs: T - 600_000, untilMs: T })).toEqual([{ source: '/ci', id: 'd1', type: 'dev.cdevents.service.deployed.0.2.0', service: 'payments', timeMs: T - 90_000, data: '{"version":"2.4.1"}' }]);
  });
});
