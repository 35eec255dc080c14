import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * Typed events at the receiver: every documented type's example is accepted and lands in
 * its view; a known type with a bad field is refused with the field named and nothing of
 * the request stored; unknown types are kept as sent.
 */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil({ 'detect.enabled': false });
});
afterAll(async () => {
  await vigil?.stop();
});

const BATCH = { 'content-type': 'application/cloudevents-batch+json' };
let n = 0;
const event = (type: string, data: unknown, extra: object = {}) => ({ specversion: '1.0', id: `e${++n}`, source: '/e2e', type, time: '2026-02-10T10:00:00Z', data, ...extra });
const post = (body: unknown, headers: Record<string, string> = BATCH) => fetch(`${vigil.url}/v1/events`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const eventCount = async () => (await getJson(`${vigil.url}/api/v1/stats`)).events as number;

const VIEW_OF: Record<string, string> = {
  'dev.cdevents.service.deployed': 'xops_deployments',
  'dev.cdevents.service.upgraded': 'xops_deployments',
  'dev.cdevents.service.rolledback': 'xops_rollbacks',
  'dev.cdevents.pipelinerun.finished': 'xops_pipeline_runs',
  'dev.cdevents.change.merged': 'xops_changes_merged',
  'dev.cdevents.incident.detected': 'xops_incidents_reported',
  'dev.cdevents.incident.reported': 'xops_incidents_reported',
  'dev.cdevents.incident.resolved': 'xops_incidents_reported',
  'io.vigil.security.finding': 'xops_security_findings',
  'io.vigil.data.pipeline.run': 'xops_data_pipeline_runs',
  'io.vigil.data.quality.check': 'xops_data_quality',
  'io.vigil.ml.model.deployed': 'xops_model_events',
  'io.vigil.ml.model.drift': 'xops_model_events',
  'io.vigil.chatops.operation': 'xops_chatops_operations',
  'io.vigil.biz.kpi': 'xops_kpis',
  'io.vigil.finops.cost': 'xops_costs',
};

describe('documented event types', () => {
  it('serves each type with its JSON Schema; each example is accepted and lands in its view with its service', async () => {
    const { eventTypes } = await getJson(`${vigil.url}/api/v1/event-types`);
    expect(eventTypes.map((t: any) => t.type.replace(/\.(\d+\.\d+\.\d+|v\d+)$/, '')).sort()).toEqual(Object.keys(VIEW_OF).sort());
    const sent = eventTypes.map((t: any) => event(t.type, t.example));
    const res = await post(sent);
    expect(res.status, await res.clone().text()).toBe(202);
    for (const [i, t] of eventTypes.entries()) {
      expect(t.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      const view = VIEW_OF[t.type.replace(/\.(\d+\.\d+\.\d+|v\d+)$/, '')];
      const rows = await vigil.store.query<{ ServiceName: string }>(`SELECT ServiceName FROM ${view} WHERE Id = {id:String}`, { id: sent[i].id });
      expect(rows, `${t.type} in ${view}`).toHaveLength(1);
      expect(rows[0].ServiceName, t.type).toMatch(/^(checkout|orders-etl|fraud-api)$/);
    }
  });

  it('feed DORA and change risk, with or without Vigil\'s own incidents in the store', async () => {
    const report = await getJson(`${vigil.url}/api/v1/dora?since=2026-02-10T00:00:00Z&until=2026-02-11T00:00:00Z`);
    // The examples: a deployment and an upgrade of checkout to production, an incident detected on it, a rollback.
    expect(report.overall).toMatchObject({ deployments: 2, changeFailureRate: { failedDeployments: 1 } });
    const res = await fetch(`${vigil.url}/api/v1/change-risk`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ service: 'checkout', type: 'deploy', plannedAt: '2026-02-10T10:30:00Z' }) });
    expect(res.status).toBe(200);
    const risk = (await res.json()) as { factors: Array<{ name: string; evidence: string }> };
    expect(risk.factors.find((f) => f.name === 'openIncidents')?.evidence).toBe('open incidents: reported/INC-312');
  });

  it('lets analysts query every typed view through the SQL sandbox', async () => {
    const views = [...new Set(Object.values(VIEW_OF))];
    const query = views.map((v) => `SELECT '${v}' AS view, count() AS n FROM ${v}`).join(' UNION ALL ');
    const res = await fetch(`${vigil.url}/api/v1/sql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, format: 'json' }) });
    expect(res.status, await res.clone().text()).toBe(200);
    const { data } = (await res.json()) as { data: Array<{ view: string; n: string }> };
    expect(data.map((r) => r.view).sort()).toEqual(views.sort());
    for (const r of data) expect(Number(r.n), r.view).toBeGreaterThan(0);
  });

  it('keeps an event of an unknown type as sent', async () => {
    const before = await eventCount();
    const res = await post(event('com.example.flux.reconciled', { whatever: [1, { deep: true }] }, { subject: 'cluster-a' }), { 'content-type': 'application/cloudevents+json' });
    expect(res.status).toBe(202);
    expect(await eventCount()).toBe(before + 1);
    const [row] = await vigil.store.query<any>(`SELECT Data, ServiceName, Practice FROM events WHERE Type = 'com.example.flux.reconciled'`);
    expect(row).toEqual({ Data: '{"whatever":[1,{"deep":true}]}', ServiceName: 'cluster-a', Practice: 'other' });
  });
});

describe('a known type with a bad field', () => {
  const deploy = (content: object) => event('dev.cdevents.service.deployed.0.2.0', { subject: { id: 'checkout', content } });

  it.each<[string, () => Promise<Response>, RegExp]>([
    ['structured mode', () => post(deploy({ artifactId: 'pkg:oci/x' }), { 'content-type': 'application/cloudevents+json' }), /^event\.data\.subject\.content\.environment: required/],
    ['binary mode', () => post(JSON.stringify({ subject: { id: 'checkout', content: { artifactId: 'x', environment: { id: 7 } } } }), { 'ce-specversion': '1.0', 'ce-id': 'b1', 'ce-source': '/ci', 'ce-type': 'dev.cdevents.service.deployed.0.2.0', 'content-type': 'application/json' }), /^body\.data\.subject\.content\.environment\.id: expected a string, got number 7/],
    ['a Vigil type', () => post([event('io.vigil.finops.cost.v1', { provider: 'aws', service: 'EC2', cost: 'twelve', currency: 'USD' })]), /^\[0\]\.data\.cost: expected a number/],
  ])('is refused in %s with 400 naming the field', async (_name, send, message) => {
    const res = await send();
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; message: string };
    expect(body.code).toBe('INGEST_EVENT_INVALID');
    expect(body.message).toMatch(message);
  });

  it('rejects the whole batch: nothing of it is stored', async () => {
    const before = await eventCount();
    const good = deploy({ artifactId: 'pkg:oci/checkout@sha256:1', environment: { id: 'production' } });
    const res = await post([good, event('io.vigil.biz.kpi.v1', { kpi: 'orders', value: 3 }), event('io.vigil.security.finding.v1', { findingId: 'f-1', title: 't', severity: 'urgent' })]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/^\[2\]\.data\.severity: must be one of/);
    expect(await eventCount()).toBe(before);
    const [found] = await vigil.store.query<{ n: string }>(`SELECT toString(count()) AS n FROM events WHERE Id = {id:String}`, { id: good.id });
    expect(found.n).toBe('0');
  });
});
