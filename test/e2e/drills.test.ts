import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackSignature } from '../../api/chatops/index.js';
import { startTestVigil, type TestVigil } from '../helpers/embedded.js';

const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

/**
 * Drill mechanics through the API on a real embedded Vigil: approvals for real targets,
 * abort conditions (the drill stops and its faults end early), and canary accounting
 * (a drill that drops canaries on purpose reports exactly how many).
 */
let vigil: TestVigil;
beforeAll(async () => {
  // No change window ever: Mon 00:00-00:01 is never "now" for long, and the test below pins its own.
  vigil = await startTestVigil({ 'drills.changeWindow': 'always', 'chatops.slackSigningSecret': SLACK_SECRET });
});
afterAll(async () => {
  await vigil?.stop();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${vigil.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};
const get = async (path: string) => (await (await fetch(`${vigil.url}${path}`)).json()) as any;

async function finished(id: string, timeoutMs = 120_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await get(`/api/v1/drills/${id}`);
    if (!['pending', 'running'].includes(d.status)) return d;
    if (Date.now() > deadline) throw new Error(`drill ${id} still ${d.status}: ${JSON.stringify(d.progress?.slice(-3))}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('drills', () => {
  it('refuses an invalid spec naming the field', async () => {
    const r = await post('/api/v1/drills', { spec: 'name: x\nfaults: [{ type: meteor, service: payments }]' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'API_BAD_REQUEST', message: expect.stringContaining('spec.faults[0].type') });
  });

  it('a real-target drill waits for approval by someone else', async () => {
    const spec = { name: 'real-checkout', target: { kind: 'real', services: ['checkout-real'], warmup: '2m', speed: 30 }, faults: [{ type: 'latency', service: 'checkout-real', at: '10s', duration: '20s' }], recovery: '10s' };
    const asked = await post('/api/v1/drills', { spec, by: 'alice' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ status: 'awaiting-approval', requestedBy: 'alice', targetKind: 'real' });
    const self = await post(`/api/v1/drills/${asked.body.id}/approve`, { by: 'alice' });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('DRILL_APPROVAL_REFUSED');
    expect((await get(`/api/v1/drills/${asked.body.id}`)).status).toBe('awaiting-approval');
    const ok = await post(`/api/v1/drills/${asked.body.id}/approve`, { by: 'bob' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'running', approvedBy: 'bob' });
    const done = await finished(asked.body.id);
    expect(done.report.faults).toHaveLength(1);
    expect(done.approvedBy).toBe('bob');
  });

  it('a real-target drill can be approved from chat (ChatOps), by someone other than the requester', async () => {
    const spec = { name: 'real-via-chat', target: { kind: 'real', services: ['cart-real'], warmup: '1m', speed: 30 }, faults: [{ type: 'latency', service: 'cart-real', at: '5s', duration: '10s' }], recovery: '5s' };
    const asked = await post('/api/v1/drills', { spec, by: 'slack:ana' });
    const chat = async (text: string, user: string) => {
      const body = new URLSearchParams({ command: '/vigil', text, user_id: `U-${user}`, user_name: user, team_id: 'T1', channel_name: 'ops' }).toString();
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await fetch(`${vigil.url}/api/v1/chatops/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(SLACK_SECRET, ts, Buffer.from(body)) },
        body,
      });
      return (await res.json()) as any;
    };
    expect((await chat(`drill approve ${asked.body.id}`, 'ana')).text).toMatch(/failed: a drill must be approved by someone other/);
    const approved = await chat(`drill approve ${asked.body.id}`, 'ben');
    expect(approved.text).toMatch(/^Drill real-via-chat approved by ben: running$/);
    const done = await finished(asked.body.id);
    expect(done).toMatchObject({ requestedBy: 'slack:ana', approvedBy: 'slack:ben' });
  });

  it('aborts when the steady state breaks outside the blast radius, ending the fault early', async () => {
    // payments fails hard; checkout (its caller) is outside the declared blast radius, so its errors abort the drill.
    const spec = {
      name: 'abort-on-breach',
      target: { warmup: '10m', speed: 30 },
      steadyState: [{ service: 'checkout', metric: 'errorRatio', max: 0.05, window: '1m' }],
      faults: [{ type: 'dependency-down', service: 'payments', at: '30s', duration: '10m' }],
      blastRadius: ['payments'],
      recovery: '1m',
    };
    const started = await post('/api/v1/drills', { spec });
    expect(started.status).toBe(202);
    const done = await finished(started.body.id);
    expect(done.status).toBe('aborted');
    expect(done.report.score.failures.join('\n')).toMatch(/aborted: steady state breached outside the blast radius: checkout errorRatio/);
    const [fault] = done.report.faults;
    expect(fault.endMs - fault.startMs).toBeLessThan(10 * 60_000); // restored: the fault ended before its schedule
    expect(done.report.steadyState.some((c: any) => c.when === 'abort' && c.service === 'checkout' && !c.holds)).toBe(true);
  });

  it('counts exactly the canary records a drill drops on purpose', async () => {
    const spec = {
      name: 'canary-loss',
      target: { warmup: '2m', speed: 30 },
      faults: [{ type: 'telemetry-loss', service: 'vigil-canary', at: '20s', duration: '45s' }],
      recovery: '20s',
    };
    const done = await finished((await post('/api/v1/drills', { spec })).body.id);
    const loss = done.report.score.dataLoss;
    const dropped = done.report.recording.canary.droppedOnPurpose;
    expect(dropped).toBe(45); // one canary per simulated second
    expect(loss).toMatchObject({ droppedOnPurpose: 45, missing: 45, lost: 0 });
    expect(loss.generated).toBe(loss.stored + 45);
  });

  it('keeps the history and renders the HTML report', async () => {
    const { drills } = await get('/api/v1/drills?limit=10');
    expect(drills.map((d: any) => d.name)).toEqual(expect.arrayContaining(['canary-loss', 'abort-on-breach', 'real-checkout']));
    const canary = drills.find((d: any) => d.name === 'canary-loss');
    const res = await fetch(`${vigil.url}/api/v1/drills/${canary.id}/report?format=html`);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('<!doctype html>');
    expect(html).toContain('45</b> missing');
    expect(html).not.toMatch(/<script|https?:\/\/(?!vigil\.dev)/); // self-contained
  });
});
