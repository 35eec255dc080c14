import { rmSync } from 'node:fs';
import { sink } from '../helpers/sink.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queries } from '../../analytics/index.js';
import { slackSignature } from '../../api/chatops/index.js';
import backtestCommand from '../../api/cli/commands/backtest-capacity.js';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { BASE_MS, gaugeBody, postMetrics, seededNoise } from '../helpers/metrics-json.js';

/**
 * Capacity, cost and ChatOps on a real embedded Vigil: three weeks of hourly metrics and forty
 * days of cost records go in through the receivers; forecasts, exhaustion, cost per group with
 * anomalies, an incident window's cost, and signed Slack commands (recorded as events) come out.
 */
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const HISTORY_DAYS = 21;
const UNTIL = new Date(BASE_MS + HISTORY_DAYS * DAY_MS).toISOString();
let vigil: TestVigil | undefined;

const daily = (i: number) => Math.sin((2 * Math.PI * (i % 24)) / 24 - Math.PI / 2);

function costEvent(day: number, service: string, team: string, cost: number) {
  const start = new Date(BASE_MS + day * DAY_MS).toISOString();
  return {
    specversion: '1.0', id: `cost-${service}-${day}`, source: '/billing/aws', type: 'io.vigil.finops.cost.v1', time: start,
    data: { provider: 'aws', service: 'AmazonEC2', resource: `i-${service}`, cost, currency: 'USD', periodStart: start, periodEnd: new Date(BASE_MS + (day + 1) * DAY_MS).toISOString(), tags: { service, team } },
  };
}

beforeAll(async () => {
  vigil = await startTestVigil({ 'detect.enabled': false, 'chatops.slackSigningSecret': SECRET, 'capacity.limits': { 'web/requests': 2000 } });
  const noise = seededNoise(7);
  const disk: Array<[number, number]> = [];
  const limit: Array<[number, number]> = [];
  const requests: Array<[number, number]> = [];
  for (let i = 0; i < HISTORY_DAYS * 24; i++) {
    const t = BASE_MS + i * HOUR_MS;
    disk.push([t, 500e9 + 1e9 * i + 20e9 * daily(i) + 2e9 * noise()]); // 1 GB/h growth: 1.004 TB at the end
    limit.push([t, 1.2e12]);
    requests.push([t, 400 + 250 * daily(i) + 15 * noise()]);
  }
  await postMetrics(url(), gaugeBody('db', 'disk.used', { volume: 'data' }, disk));
  await postMetrics(url(), gaugeBody('db', 'disk.used.limit', { volume: 'data' }, limit));
  await postMetrics(url(), gaugeBody('web', 'requests', {}, requests));

  const events = [];
  for (let day = 0; day < 40; day++) {
    events.push(costEvent(day, 'checkout', 'payments', day === 35 ? 400 : 100 + 5 * noise()));
    events.push(costEvent(day, 'search', 'discovery', 50 + 2 * noise()));
  }
  const res = await fetch(`${url()}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents-batch+json' }, body: JSON.stringify(events) });
  expect(res.status).toBe(202);
  await queries.insertIncidents(vigil!.store, [{
    engineState: '',
    incident: {
      id: 'inc-1', fingerprint: 'fp-1', title: 'checkout errors', status: 'resolved', severity: 'critical', services: ['checkout'], rootService: 'checkout',
      startMs: BASE_MS + 20 * DAY_MS, updatedMs: BASE_MS + 20 * DAY_MS + 3 * HOUR_MS, resolvedMs: BASE_MS + 20 * DAY_MS + 3 * HOUR_MS, anomalyIds: [], suspects: [], version: 2,
    },
  }]);
}, 120_000);

afterAll(async () => {
  await vigil?.stop();
});

const url = () => vigil!.url;
const json = async (res: Response | Promise<Response>): Promise<any> => (await res).json();

describe('GET /api/v1/capacity', () => {
  it('forecasts a growing disk with intervals and the day it fills, against its .limit metric', async () => {
    const body = await getJson(`${url()}/api/v1/capacity?service=db&horizon=14d&until=${UNTIL}`);
    expect(body.metrics.map((m: any) => m.metric)).toEqual(['disk.used']);
    const [disk] = body.metrics;
    expect(disk.history.values).toHaveLength(HISTORY_DAYS * 24);
    expect(disk.forecast.values).toHaveLength(14 * 24);
    expect(disk.forecast.model).toBe('holt-winters');
    expect(disk.limit).toEqual({ value: 1.2e12, source: 'metric' });
    // 1.004 TB growing 1 GB/h reaches 1.2 TB ~196 h (8.2 days) after the end; the daily peak a little sooner.
    const atDays = (Date.parse(disk.exhaustion.at) - Date.parse(UNTIL)) / DAY_MS;
    expect(atDays).toBeGreaterThan(6.5);
    expect(atDays).toBeLessThan(9);
    expect(Date.parse(disk.exhaustion.earliest)).toBeLessThanOrEqual(Date.parse(disk.exhaustion.at));
    for (let i = 0; i < disk.forecast.values.length; i++) {
      expect(disk.forecast.lower[i]).toBeLessThanOrEqual(disk.forecast.values[i]);
      expect(disk.forecast.upper[i]).toBeGreaterThanOrEqual(disk.forecast.values[i]);
    }
  });

  it('uses capacity.limits when no .limit metric exists, and says when the limit is not reached', async () => {
    const body = await getJson(`${url()}/api/v1/capacity?service=web&horizon=2d&until=${UNTIL}`);
    const [requests] = body.metrics;
    expect(requests.limit).toEqual({ value: 2000, source: 'config' });
    expect(requests.exhaustion).toEqual({ exceeded: false, at: null, earliest: null, latest: null });
    expect(requests.forecast.holdoutSmape).toBeLessThan(0.15);
  });

  it('refuses a bad horizon and lists services', async () => {
    const res = await fetch(`${url()}/api/v1/capacity?service=db&horizon=soon`);
    expect(res.status).toBe(400);
    expect((await json(res)).code).toBe('API_BAD_REQUEST');
    const services = await getJson(`${url()}/api/v1/capacity/services?until=${UNTIL}`);
    expect(services.services).toEqual(['db', 'web']);
  });
});

describe('GET /api/v1/cost', () => {
  const since = new Date(BASE_MS + 10 * DAY_MS).toISOString();
  const until = new Date(BASE_MS + 40 * DAY_MS).toISOString();

  it('sums cost per service and day and marks the spike as an anomaly', async () => {
    const body = await getJson(`${url()}/api/v1/cost?groupBy=service&since=${since}&until=${until}`);
    expect(body.groups.map((g: any) => g.key)).toEqual(['checkout', 'search']);
    const checkout = body.groups[0];
    expect(checkout.days).toHaveLength(30);
    expect(checkout.days.find((d: any) => d.day === '2026-02-05').cost).toBe(400);
    expect(body.anomalies.map((a: any) => [a.key, a.day])).toEqual([['checkout', '2026-02-05']]);
    expect(body.anomalies[0].expected).toBeGreaterThan(90);
    expect(body.anomalies[0].expected).toBeLessThan(110);
    expect(body.totals).toHaveLength(1);
    expect(body.totals[0].currency).toBe('USD');
  });

  it('groups by team', async () => {
    const body = await getJson(`${url()}/api/v1/cost?groupBy=team&since=${since}&until=${until}`);
    expect(body.groups.map((g: any) => g.key).sort()).toEqual(['discovery', 'payments']);
  });

  it('costs an incident window: the service\'s rate over the week before × its duration', async () => {
    const body = await getJson(`${url()}/api/v1/cost/incidents/inc-1`);
    expect(body.durationHours).toBe(3);
    const [checkout] = body.services;
    expect(checkout.service).toBe('checkout');
    // ~100 USD a day → ~4.17 USD/h → ~12.5 USD for three hours.
    expect(checkout.cost).toBeGreaterThan(11);
    expect(checkout.cost).toBeLessThan(14);
    expect((await fetch(`${url()}/api/v1/cost/incidents/nope`)).status).toBe(404);
  });
});

describe('POST /api/v1/chatops/command', () => {
  const form = (text: string) => new URLSearchParams({ command: '/vigil', text, user_id: 'U123', user_name: 'ana', team_id: 'T9', channel_name: 'ops' }).toString();
  const send = (body: string, { timestamp = Math.floor(Date.now() / 1000), secret = SECRET } = {}) =>
    fetch(`${url()}/api/v1/chatops/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(secret, String(timestamp), Buffer.from(body)) },
      body,
    });

  it('refuses unsigned, wrongly signed and stale requests', async () => {
    const unsigned = await fetch(`${url()}/api/v1/chatops/command`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form('incidents') });
    expect(unsigned.status).toBe(401);
    expect((await json(unsigned)).code).toBe('CHATOPS_BAD_SIGNATURE');
    expect((await send(form('incidents'), { secret: 'wrong' })).status).toBe(401);
    expect((await send(form('incidents'), { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
  });

  it('answers /vigil risk, silence, incidents and ack in Slack format, and records each as an event', async () => {
    const risk = await send(form('risk checkout deploy'));
    expect(risk.status).toBe(200);
    const riskBody = await json(risk);
    expect(riskBody.response_type).toBe('ephemeral');
    expect(riskBody.text).toMatch(/^Risk of a deploy to checkout now: \d+\/100 \((low|medium|high|critical)\)$/);

    const silence = await json(send(form('silence checkout 2h deploy in progress')));
    expect(silence.response_type).toBe('in_channel');
    expect(silence.text).toContain('checkout silenced until');
    const active = await queries.activeSilences(vigil!.store, Date.now(), 'checkout');
    expect(active).toHaveLength(1);
    expect(active[0]).toMatchObject({ createdBy: 'slack:ana', reason: 'deploy in progress', source: 'chatops' });
    expect(active[0].endsMs - active[0].startsMs).toBe(2 * HOUR_MS);

    const incidents = await json(send(form('incidents')));
    expect(incidents.text).toBe('No open incidents.');
    const ack = await json(send(form('ack inc-404')));
    expect(ack.text).toMatch(/^ack failed: /);
    const unknown = await json(send(form('dance')));
    expect(unknown.text).toContain('Unknown command "dance"');

    const ops = await vigil!.store.query<{ command: string; user: string; status: string; channel: string; service: string }>(
      `SELECT Command AS command, User AS user, Status AS status, Channel AS channel, ServiceName AS service FROM xops_chatops_operations ORDER BY Time, Command`,
    );
    expect(ops.map((o) => [o.command, o.status])).toEqual(expect.arrayContaining([
      ['/vigil risk checkout deploy', 'succeeded'],
      ['/vigil silence checkout 2h deploy in progress', 'succeeded'],
      ['/vigil incidents', 'succeeded'],
      ['/vigil ack inc-404', 'failed'],
      ['/vigil dance', 'failed'],
    ]));
    expect(ops.every((o) => o.user === 'ana' && o.channel === 'ops')).toBe(true);
    expect(ops.find((o) => o.command.includes('silence'))?.service).toBe('checkout');
  });
});

describe('vigil backtest capacity', () => {
  it('replays the stored metrics and reports sMAPE under 15 % on the seasonal series', async () => {
    const dataDir = vigil!.dataDir;
    await vigil!.close(); // the CLI opens the same chDB data directory
    vigil = undefined;
    const out = sink();
    const err = sink();
    try {
      const since = new Date(BASE_MS).toISOString();
      const code = await backtestCommand.run({ flags: { 'data-dir': dataDir, 'log-level': 'silent', 'ttl-days': 0, since, until: UNTIL, horizon: '24h', folds: 4 }, args: [], stdout: out, stderr: err });
      expect(code, err.text).toBe(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    const rows = out.text.split('\n').filter((l) => /^(db|web)\s/.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const smapePct = Number(/\s(\d+\.\d) %\s+[\d.-]+ %?\s+[\d.]+ %$/.exec(row)?.[1]);
      expect(smapePct, row).toBeLessThan(15);
    }
    expect(out.text).toMatch(/2 series, mean sMAPE \d+\.\d %/);
  });
});

