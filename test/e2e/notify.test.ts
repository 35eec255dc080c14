import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../api/config/load.js';
import type { ConfigKey } from '../../api/config/schema.js';
import { createLogger } from '../../api/logger.js';
import { createNotifier, type Notifier } from '../../api/notify/index.js';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { transition } from '../helpers/incident-fixture.js';
import { startReceiver, type TestReceiver } from '../helpers/receiver.js';

/**
 * The notifier against a real store (embedded chDB behind a running Vigil) and loopback
 * receivers standing in for PagerDuty, Opsgenie, Slack and a webhook consumer: payloads and
 * signatures byte for byte, retries, exactly one delivery per transition, resolve, resume.
 */
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ENV = { PD_KEY: 'pd-routing-key-0123', HOOK_SECRET: SECRET, GENIE_KEY: 'genie-key-0123', SLACK_TOKEN: 'T0/B0/slack-token-0123' };

let vigil: TestVigil;
let rx: TestReceiver;
const notifiers: Notifier[] = [];

function config(channels: object[], extra: Partial<Record<ConfigKey, unknown>> = {}) {
  return loadConfig({
    env: ENV,
    overrides: {
      'notify.channels': JSON.stringify(channels),
      'notify.allowPrivateTargets': true,
      'notify.publicUrl': 'https://vigil.example.com',
      'notify.retry.initialDelayMs': 20,
      'notify.retry.maxDelayMs': 100,
      ...extra,
    },
  });
}

async function notifier(channels: object[], extra: Partial<Record<ConfigKey, unknown>> = {}, resolve?: Parameters<typeof createNotifier>[0]['resolve']): Promise<Notifier> {
  const n = await createNotifier({ config: config(channels, extra), store: vigil.store, logger: createLogger('silent'), resolve });
  notifiers.push(n);
  return n;
}

beforeAll(async () => {
  vigil = await startTestVigil();
  rx = await startReceiver();
});
afterAll(async () => {
  for (const n of notifiers) await n.close();
  await rx?.close();
  await vigil?.stop();
});

describe('notifier', () => {
  it('sends PagerDuty Events v2 and signed Standard Webhooks payloads byte for byte, and resolves', async () => {
    const n = await notifier([
      { name: 'pd', type: 'pagerduty', url: `${rx.url}/pd/v2/enqueue`, routingKey: '${PD_KEY}' },
      { name: 'hook', type: 'webhook', url: `${rx.url}/hook`, secret: '${HOOK_SECRET}' },
    ]);
    const opened = transition('inc-pd', 'opened', 1);
    await n.handle([opened]);
    await n.idle();

    const expectedTrigger = {
      routing_key: 'pd-routing-key-0123',
      event_action: 'trigger',
      dedup_key: 'fp-inc-pd',
      payload: {
        summary: 'checkout latency p95 5x above expected',
        source: 'payments',
        severity: 'critical',
        timestamp: '2026-01-01T00:00:00.000Z',
        component: 'payments',
        group: 'checkout,payments',
        class: 'vigil.incident',
        custom_details: {
          incident_id: 'inc-pd',
          transition: 'opened',
          services: ['checkout', 'payments'],
          root_service: 'payments',
          top_suspect: 'payments (payments)',
          top_suspect_explanation: 'payments errors rose 42 s before checkout latency; checkout calls payments',
          anomalies: 2,
        },
      },
      client: 'Vigil',
      client_url: 'https://vigil.example.com/#/incidents/inc-pd',
      links: [{ href: 'https://vigil.example.com/#/incidents/inc-pd', text: 'Incident in Vigil' }],
    };
    const [pd] = rx.at('/pd/');
    expect(pd.headers['content-type']).toBe('application/json');
    expect(pd.body).toBe(JSON.stringify(expectedTrigger));

    const [hook] = rx.at('/hook');
    const expectedBody = JSON.stringify({ type: 'incident.opened', timestamp: new Date(opened.atMs).toISOString(), data: { transition: 'opened', incident: opened.incident, url: 'https://vigil.example.com/#/incidents/inc-pd' } });
    expect(hook.body).toBe(expectedBody);
    const id = hook.headers['webhook-id'] as string;
    const timestamp = hook.headers['webhook-timestamp'] as string;
    expect(id).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${hook.body}`).digest('base64');
    expect(hook.headers['webhook-signature']).toBe(`v1,${signature}`);

    await n.handle([transition('inc-pd', 'acknowledged', 2), transition('inc-pd', 'resolved', 3)]);
    await n.idle();
    const pds = rx.at('/pd/');
    expect(pds.map((r) => JSON.parse(r.body).event_action)).toEqual(['trigger', 'acknowledge', 'resolve']);
    expect(pds[2].body).toBe(JSON.stringify({ routing_key: 'pd-routing-key-0123', event_action: 'resolve', dedup_key: 'fp-inc-pd' }));
    const hooks = rx.at('/hook');
    expect(hooks.map((r) => JSON.parse(r.body).type)).toEqual(['incident.opened', 'incident.acknowledged', 'incident.resolved']);
    // One webhook-id per transition, stable for it.
    expect(new Set(hooks.map((r) => r.headers['webhook-id'])).size).toBe(3);

    const log = await n.deliveries({ incidentId: 'inc-pd' });
    expect(log).toHaveLength(6);
    for (const d of log) {
      expect(d).toMatchObject({ status: 'delivered', attempts: 1, httpStatus: 202, error: '', message: '' });
      expect(d.deliveredAtMs).toBeGreaterThanOrEqual(d.createdAtMs);
      expect(d.latencyMs).toBe(d.deliveredAtMs - d.createdAtMs);
    }
    const api = await getJson(`${vigil.url}/api/v1/notifications?incident=inc-pd`);
    expect(api.notifications).toHaveLength(6);
    expect(api.notifications[0]).toMatchObject({ incidentId: 'inc-pd', status: 'delivered' });
    expect(JSON.stringify(api)).not.toContain('pd-routing-key-0123');
  });

  it('retries a receiver that fails twice (honouring Retry-After) and delivers exactly once', async () => {
    let calls = 0;
    rx.on('/flaky', (_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(503).end('busy');
      else if (calls === 2) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(202).end();
    });
    const n = await notifier([{ name: 'flaky', type: 'webhook', url: `${rx.url}/flaky`, secret: '${HOOK_SECRET}' }]);
    const opened = transition('inc-flaky', 'opened', 1);
    await n.handle([opened]);
    await n.idle();
    const got = rx.at('/flaky');
    expect(got).toHaveLength(3);
    expect(got[2].atMs - got[1].atMs).toBeGreaterThanOrEqual(1000);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [d] = await n.deliveries({ incidentId: 'inc-flaky' });
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, httpStatus: 202 });
  });

  it('never sends a transition twice: redelivered, concurrent, after a restart, or older than one already handled', async () => {
    const channels = [{ name: 'pd', type: 'pagerduty', url: `${rx.url}/dup/enqueue`, routingKey: '${PD_KEY}' }];
    const n = await notifier(channels);
    const opened = transition('inc-dup', 'opened', 1);
    await Promise.all([n.handle([opened, opened]), n.handle([opened])]);
    await n.idle();
    await n.handle([opened]);
    await n.idle();
    expect(rx.at('/dup/')).toHaveLength(1);

    await n.close();
    const restarted = await notifier(channels);
    await restarted.handle([opened, transition('inc-dup', 'updated', 2)]);
    await restarted.idle();
    expect(rx.at('/dup/')).toHaveLength(1);

    // Resolve (v4) arrives before the ack (v3): the late ack must not reach PagerDuty.
    await restarted.handle([transition('inc-dup', 'resolved', 4)]);
    await restarted.handle([transition('inc-dup', 'acknowledged', 3)]);
    await restarted.idle();
    expect(rx.at('/dup/').map((r) => JSON.parse(r.body).event_action)).toEqual(['trigger', 'resolve']);
    const log = await restarted.deliveries({ incidentId: 'inc-dup' });
    expect(log.find((d) => d.version === 3)).toMatchObject({ status: 'skipped', error: 'superseded: version 4 was already handled' });
  });

  it('holds back new pages for a silenced service, but still sends the resolve', async () => {
    const { queries } = await import('../../analytics/index.js');
    const now = Date.now();
    await queries.insertSilence(vigil.store, { id: 'sil-1', service: 'billing', startsMs: now - 1000, endsMs: now + 3_600_000, createdBy: 'slack:alice', reason: 'maintenance', source: 'chatops' });
    const n = await notifier([{ name: 'quiet', type: 'webhook', url: `${rx.url}/quiet`, secret: '${HOOK_SECRET}' }]);
    await n.handle([transition('inc-silenced', 'opened', 1, { services: ['checkout', 'billing'] })]);
    await n.idle();
    expect(rx.at('/quiet')).toHaveLength(0);
    const [skipped] = await n.deliveries({ incidentId: 'inc-silenced' });
    expect(skipped).toMatchObject({ status: 'skipped', error: expect.stringMatching(/^silenced: billing until .* \(by slack:alice\)$/) });
    await n.handle([transition('inc-silenced', 'resolved', 2, { services: ['checkout', 'billing'] })]);
    await n.idle();
    expect(rx.at('/quiet')).toHaveLength(1);
  });

  it('resumes a delivery left pending by a stopped notifier, once', async () => {
    let up = false;
    rx.on('/resume', (_req, res) => res.writeHead(up ? 202 : 503).end());
    const channels = [{ name: 'pd', type: 'pagerduty', url: `${rx.url}/resume`, routingKey: '${PD_KEY}' }];
    const first = await notifier(channels, { 'notify.retry.initialDelayMs': 50, 'notify.retry.maxDelayMs': 50 });
    await first.handle([transition('inc-resume', 'opened', 1)]);
    while (rx.at('/resume').length < 2) await new Promise((r) => setTimeout(r, 20));
    await first.close();
    expect((await first.deliveries({ incidentId: 'inc-resume' }))[0]).toMatchObject({ status: 'pending' });

    up = true;
    const before = rx.at('/resume').length;
    const second = await notifier(channels);
    await second.idle();
    expect(rx.at('/resume').length).toBe(before + 1);
    expect((await second.deliveries({ incidentId: 'inc-resume' }))[0]).toMatchObject({ status: 'delivered', httpStatus: 202 });
  });

  it('records a failure that is not worth retrying, without the secret', async () => {
    rx.on('/bad', (_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"status":"invalid event","errors":["routing key pd-routing-key-0123 unknown"]}'));
    const n = await notifier([{ name: 'pd', type: 'pagerduty', url: `${rx.url}/bad`, routingKey: '${PD_KEY}' }]);
    await n.handle([transition('inc-bad', 'opened', 1)]);
    await n.idle();
    const [d] = await n.deliveries({ incidentId: 'inc-bad' });
    expect(d).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 400 });
    expect(d.error).toContain('HTTP 400');
    expect(d.error).not.toContain('pd-routing-key-0123');
  });

  it('routes by service, severity and label, with a default route', async () => {
    const n = await notifier(
      [
        { name: 'payments', type: 'webhook', url: `${rx.url}/route/payments`, secret: '${HOOK_SECRET}' },
        { name: 'warnings', type: 'webhook', url: `${rx.url}/route/warnings`, secret: '${HOOK_SECRET}' },
        { name: 'fallback', type: 'webhook', url: `${rx.url}/route/fallback`, secret: '${HOOK_SECRET}' },
      ],
      {
        'notify.routes': JSON.stringify([
          { services: ['payments'], severities: ['critical'], channels: ['payments'], continue: true },
          { labels: { rootService: 'search' }, channels: ['warnings'] },
          { default: true, channels: ['fallback'] },
        ]),
      },
    );
    await n.handle([
      transition('inc-r1', 'opened', 1),
      transition('inc-r2', 'opened', 1, { services: ['search'], rootService: 'search', severity: 'warning' }),
      transition('inc-r3', 'opened', 1, { services: ['mail'], rootService: 'mail', severity: 'info' }),
    ]);
    await n.idle();
    const ids = (path: string) => rx.at(path).map((r) => JSON.parse(r.body).data.incident.id);
    expect(ids('/route/payments')).toEqual(['inc-r1']);
    expect(ids('/route/warnings')).toEqual(['inc-r2']);
    expect(ids('/route/fallback')).toEqual(['inc-r3']);
  });

  it('sends readable Slack messages and Opsgenie alerts keyed by the fingerprint', async () => {
    const n = await notifier([
      { name: 'chat', type: 'slack', url: `${rx.url}/services/\${SLACK_TOKEN}` },
      { name: 'genie', type: 'opsgenie', url: `${rx.url}/genie`, apiKey: '${GENIE_KEY}' },
    ]);
    await n.handle([transition('inc-chat', 'opened', 1)]);
    await n.handle([transition('inc-chat', 'acknowledged', 2), transition('inc-chat', 'resolved', 3)]);
    await n.idle();

    const slack = rx.at('/services/T0/B0/slack-token-0123');
    expect(slack).toHaveLength(3);
    const first = JSON.parse(slack[0].body);
    expect(first.text).toBe(':rotating_light: Incident: [CRITICAL] checkout latency p95 5x above expected');
    const text = first.blocks.map((b: any) => b.text?.text ?? '').join('\n');
    expect(text).toContain('*Services:* checkout, payments');
    expect(text).toContain('*Top suspect:* payments (payments): payments errors rose 42 s before checkout latency');
    expect(text).toContain('<https://vigil.example.com/#/incidents/inc-chat|Open incident in Vigil>');
    expect(JSON.parse(slack[2].body).text).toMatch(/^:white_check_mark: Resolved: /);

    const genie = rx.at('/genie');
    expect(genie.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /genie/v2/alerts',
      'POST /genie/v2/alerts/fp-inc-chat/acknowledge?identifierType=alias',
      'POST /genie/v2/alerts/fp-inc-chat/close?identifierType=alias',
    ]);
    for (const r of genie) expect(r.headers.authorization).toBe('GenieKey genie-key-0123');
    expect(JSON.parse(genie[0].body)).toMatchObject({ message: 'checkout latency p95 5x above expected', alias: 'fp-inc-chat', priority: 'P1', source: 'Vigil', tags: ['checkout', 'payments'] });
    expect(JSON.parse(genie[1].body)).toEqual({ source: 'Vigil', user: 'alice', note: 'Acknowledged in Vigil' });
  });
});

describe('notifier SSRF guard', () => {
  it('refuses loopback, private, link-local, IPv6 loopback, a name resolving to loopback and a redirect to loopback', async () => {
    rx.on('/redirect', (_req, res) => res.writeHead(307, { location: `http://127.0.0.1:${rx.port}/stolen` }).end());
    const targets = {
      loopback: `http://127.0.0.1:${rx.port}/stolen`,
      private: 'http://10.20.30.40/hook',
      metadata: 'http://169.254.169.254/latest/meta-data/',
      ipv6: `http://[::1]:${rx.port}/stolen`,
      name: `http://localhost:${rx.port}/stolen`,
      redirect: `http://allowed.test:${rx.port}/redirect`,
    };
    const channels = Object.entries(targets).map(([name, url]) => ({ name, type: 'webhook', url, secret: '${HOOK_SECRET}' }));
    // allowed.test is on the allowlist and resolves to the receiver; everything else goes through the guard.
    const resolve = async (host: string) => (host === 'allowed.test' ? [{ address: '127.0.0.1', family: 4 }] : (await import('node:dns/promises')).lookup(host, { all: true }));
    const n = await notifier(channels, { 'notify.allowPrivateTargets': false, 'notify.allowedHosts': 'allowed.test' }, resolve);
    await n.handle([transition('inc-ssrf', 'opened', 1)]);
    await n.idle();

    expect(rx.at('/stolen')).toHaveLength(0);
    expect(rx.at('/redirect')).toHaveLength(1);
    const byChannel = Object.fromEntries((await n.deliveries({ incidentId: 'inc-ssrf' })).map((d) => [d.channel, d]));
    for (const name of ['loopback', 'private', 'metadata', 'ipv6', 'name']) {
      expect(byChannel[name], name).toMatchObject({ status: 'refused', attempts: 1 });
      expect(byChannel[name].error).toMatch(/non-public address/);
    }
    expect(byChannel.redirect).toMatchObject({ status: 'failed', attempts: 1, httpStatus: 307, error: 'HTTP 307: redirects are not followed' });
  });
});
