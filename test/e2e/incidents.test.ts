import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { BASE_MS, MINUTE_MS } from '../helpers/metrics-json.js';
import { ShopTraces, type ShopMinute } from '../helpers/shop-traces.js';
import { openSse, type SseReader } from '../helpers/sse.js';

/**
 * Fault to incident through real ingest: six services send OTLP/JSON traces, payments is
 * deployed and starts failing, the failure propagates to its callers. The detectors find
 * span anomalies, the incident engine opens exactly one incident with payments ranked first
 * and the deploy listed as a suspect change; it is acknowledged through the API, and
 * resolves once the shop recovers. Transitions arrive on the SSE stream.
 */
let vigil: TestVigil;
let sse: SseReader;
const shop = new ShopTraces();
const HISTORY = 180;
const FAULT = HISTORY;
const FAULT_MINUTES = 4;
const DEPLOY_MS = BASE_MS + FAULT * MINUTE_MS - 45_000;

beforeAll(async () => {
  // Early scoring of a minute in progress needs this many spans of a series (the test shop is small).
  vigil = await startTestVigil({ 'detect.earlyMinSamples': 5 });
  sse = await openSse(`${vigil.url}/api/v1/anomalies/stream`);
});
afterAll(async () => {
  sse?.close();
  await vigil?.stop();
});

const minute = (m: number): ShopMinute => ({
  minuteMs: BASE_MS + m * MINUTE_MS,
  paymentsFailure: m >= FAULT && m < FAULT + FAULT_MINUTES ? 0.6 : 0,
  paymentsVersion: BASE_MS + m * MINUTE_MS >= DEPLOY_MS ? '2.4.1' : '2.4.0',
});

async function sendMinutes(from: number, to: number, slice?: { fromMs: number; toMs: number }): Promise<void> {
  const body = shop.body(Array.from({ length: to - from }, (_, i) => minute(from + i)), slice);
  const res = await fetch(`${vigil.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status, await res.text()).toBe(200);
  // Live, detection keeps pace with the stream: wait until every reader of the ingest bus has this batch.
  await eventually(async () => (await getJson(`${vigil.url}/api/v1/health`)).queue.messages === 0, 10_000, 20);
}

async function post(path: string, body?: unknown) {
  const res = await fetch(`${vigil.url}${path}`, { method: 'POST', headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const incidentEvents = () => sse.events.filter((e) => e.event === 'incident');

describe('incidents end to end', () => {
  let incidentId = '';
  let nextMinute = 0;

  it('opens exactly one incident for a fault at a leaf, the leaf ranked first and its deploy a suspect', async () => {
    for (let m = 0; m < HISTORY; m += 60) await sendMinutes(m, Math.min(HISTORY, m + 60));
    const deploy = await fetch(`${vigil.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: 'deploy-payments-241', source: '/ci/pipeline', type: 'dev.cdevents.service.deployed.0.2.0', subject: 'payments', time: new Date(DEPLOY_MS).toISOString(), data: { subject: { id: 'payments', content: { environment: { id: 'production' }, artifactId: 'pkg:oci/payments@2.4.1' } } } }),
    });
    expect(deploy.status).toBe(202);
    // The fault as it happens: 10 s of event time per request, then recovery, until the page.
    const faultStartMs = BASE_MS + FAULT * MINUTE_MS;
    let sliceMs = faultStartMs;
    const opened = await eventually(async () => {
      if (sliceMs < faultStartMs + 12 * MINUTE_MS) {
        const m = Math.floor((sliceMs - BASE_MS) / MINUTE_MS);
        await sendMinutes(m, m + 1, { fromMs: sliceMs, toMs: (sliceMs += 10_000) });
      }
      return incidentEvents().find((e) => e.data.transition === 'opened');
    }, 60_000, 200);
    while ((sliceMs - BASE_MS) % MINUTE_MS !== 0) {
      const m = Math.floor((sliceMs - BASE_MS) / MINUTE_MS);
      await sendMinutes(m, m + 1, { fromMs: sliceMs, toMs: (sliceMs += 10_000) });
    }
    nextMinute = (sliceMs - BASE_MS) / MINUTE_MS;
    incidentId = opened.data.id;
    expect(opened.data).toMatchObject({ rootService: 'payments', status: 'open', version: 1 });
    // Detection scores the minute in progress early; the incident settles incidents.settleSeconds, then pages.
    const pageAfterSeconds = (Date.parse(opened.data.updated) - faultStartMs) / 1000;
    console.log(`event time from fault start to page: ${pageAfterSeconds} s`);
    expect(pageAfterSeconds).toBeLessThanOrEqual(60);

    const { incidents } = await getJson(`${vigil.url}/api/v1/incidents?since=${BASE_MS}`);
    expect(incidents).toHaveLength(1);
    const incident = incidents[0];
    expect(incident.id).toBe(incidentId);
    expect(incident.services[0]).toBe('payments');
    expect(incident.services).toEqual(expect.arrayContaining(['checkout', 'frontend']));
    expect(incident.suspects[0]).toMatchObject({ kind: 'service', name: 'payments', rank: 1 });
    expect(incident.suspects[0].explanation).toMatch(/payments/);
    expect(['error', 'critical']).toContain(incident.severity);
    const change = incident.suspects.find((s: any) => s.kind === 'change');
    expect(change).toMatchObject({ name: 'deploy payments 2.4.1', service: 'payments', ref: '/ci/pipeline/deploy-payments-241' });
    expect(change.evidence.changeLeadSeconds).toBe(45);
  });

  it('serves the incident with its timeline, anomalies and changes', async () => {
    const detail = await eventually(async () => {
      const d = await getJson(`${vigil.url}/api/v1/incidents/${incidentId}`);
      return d.timeline.some((t: any) => t.kind === 'opened') && d.anomalies.length > 0 ? d : undefined;
    });
    expect(detail.incident.id).toBe(incidentId);
    const kinds = detail.timeline.map((t: any) => t.kind);
    expect(kinds).toEqual(expect.arrayContaining(['anomaly-joined', 'opened', 'change', 'suspects-ranked']));
    expect(detail.anomalies.map((a: any) => a.service)).toContain('payments');
    expect(detail.changes).toEqual([expect.objectContaining({ id: '/ci/pipeline/deploy-payments-241', summary: 'deploy payments 2.4.1', service: 'payments' })]);
    expect((await fetch(`${vigil.url}/api/v1/incidents/nope`)).status).toBe(404);
  });

  it('acknowledges through the API (once), and the stream says so', async () => {
    const ack = await post(`/api/v1/incidents/${incidentId}/ack`, { by: 'alice' });
    expect(ack.status).toBe(200);
    expect(ack.body.incident).toMatchObject({ id: incidentId, status: 'acknowledged', acknowledgedBy: 'alice' });
    const again = await post(`/api/v1/incidents/${incidentId}/ack`);
    expect(again.body.incident.version).toBe(ack.body.incident.version);
    await sse.next((e) => e.event === 'incident' && e.data.transition === 'acknowledged', 5_000);
    expect(incidentEvents().filter((e) => e.data.transition === 'acknowledged')).toHaveLength(1);
    const stored = await getJson(`${vigil.url}/api/v1/incidents/${incidentId}`);
    expect(stored.incident).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice' });
    expect((await post('/api/v1/incidents/nope/ack')).status).toBe(404);
  });

  it('resolves by itself after the shop recovers, one page only', async () => {
    let m = nextMinute;
    await eventually(async () => {
      if (m < FAULT + 40) await sendMinutes(m, ++m);
      return incidentEvents().find((e) => e.data.transition === 'resolved');
    }, 60_000, 100);
    const resolved = incidentEvents().find((e) => e.data.transition === 'resolved')!;
    expect(resolved.data).toMatchObject({ id: incidentId, status: 'resolved', resolvedBy: 'vigil' });
    expect(new Set(incidentEvents().map((e) => e.data.id))).toEqual(new Set([incidentId]));
    expect(incidentEvents().filter((e) => e.data.transition === 'opened')).toHaveLength(1);
    const versions = incidentEvents().map((e) => e.data.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
    expect((await post(`/api/v1/incidents/${incidentId}/ack`)).status).toBe(409);
  });

  it('maps the services and their peers, and finds the deployed version among the failed spans', async () => {
    const range = `since=${BASE_MS + (FAULT - 10) * MINUTE_MS}&until=${BASE_MS + (FAULT + FAULT_MINUTES) * MINUTE_MS}`;
    const map = await getJson(`${vigil.url}/api/v1/service-map?${range}`);
    const edges = map.edges.map((e: any) => `${e.caller}->${e.callee}`).sort();
    expect(edges).toEqual(['catalog->redis', 'checkout->inventory', 'checkout->payments', 'checkout->postgresql/shop', 'checkout->shipping', 'frontend->catalog', 'frontend->checkout']);
    const nodes = Object.fromEntries(map.nodes.map((n: any) => [n.name, n]));
    expect(nodes['postgresql/shop'].kind).toBe('database');
    expect(nodes.redis.kind).toBe('cache');
    expect(nodes.payments.errorRatio).toBeGreaterThan(0);
    expect(nodes.payments.callsPerMinute).toBeGreaterThan(9);
    expect(nodes.payments.callsPerMinute).toBeLessThan(15);
    const pay = map.edges.find((e: any) => e.callee === 'payments');
    expect(pay.errorRatio).toBeGreaterThan(0.1);

    const since = BASE_MS + FAULT * MINUTE_MS;
    const cmp = await getJson(`${vigil.url}/api/v1/traces/compare?service=payments&since=${since}&until=${since + FAULT_MINUTES * MINUTE_MS}&baselineSince=${since - 60 * MINUTE_MS}&baselineUntil=${since - MINUTE_MS}`);
    expect(cmp.selected).toBeGreaterThan(0);
    expect(cmp.deltas[0]).toMatchObject({ selectedShare: 1, baselineShare: 0 });
    expect(cmp.deltas.map((d: any) => `${d.key}=${d.value}`)).toEqual(expect.arrayContaining(['http.response.status_code=503', 'status.code=Error', 'resource.service.version=2.4.1']));
  });
});
