import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { egressRequest, EgressRefusedError, standardWebhookHeaders, type EgressPolicy } from './egress.js';

const guarded: EgressPolicy = { allowPrivateTargets: false, allowedHosts: [], timeoutMs: 2_000 };

/** A loopback HTTP server that records what it receives and answers with `answer`. */
async function listen(answer: (req: IncomingMessage, res: import('node:http').ServerResponse) => void): Promise<{ server: Server; port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, seen };
}

let sink: Awaited<ReturnType<typeof listen>>;
let redirector: Awaited<ReturnType<typeof listen>>;
let silent: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  sink = await listen((_req, res) => res.writeHead(204).end());
  redirector = await listen((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${sink.port}/stolen` }).end());
  silent = await listen(() => undefined);
});
afterAll(async () => {
  for (const s of [sink, redirector, silent]) s.server.closeAllConnections();
  await Promise.all([sink, redirector, silent].map((s) => new Promise((r) => s.server.close(r))));
});

const post = (url: string, policy: EgressPolicy = guarded) => egressRequest({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{}' }, policy);

describe('egress SSRF guard', () => {
  it('refuses loopback, private, link-local and IPv6 loopback targets before connecting', async () => {
    for (const url of [`http://127.0.0.1:${sink.port}/`, 'http://10.1.2.3/', 'http://172.20.0.5/', 'http://192.168.0.10/', 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${sink.port}/`, 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/']) {
      await expect(post(url), url).rejects.toBeInstanceOf(EgressRefusedError);
    }
    expect(sink.seen).toHaveLength(0);
  });

  it('refuses a host name that resolves to loopback, and one with any private address among its answers', async () => {
    await expect(post(`http://localhost:${sink.port}/`)).rejects.toThrow(/localhost resolves to .*non-public/);
    const resolve = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }];
    await expect(post('http://mixed.example/', { ...guarded, resolve })).rejects.toThrow(/10\.0\.0\.7/);
    expect(sink.seen).toHaveLength(0);
  });

  it('refuses schemes other than http and https', async () => {
    await expect(post('file:///etc/passwd')).rejects.toBeInstanceOf(EgressRefusedError);
  });

  it('never follows a redirect, even from an allowed host to loopback', async () => {
    const res = await post(`http://localhost:${redirector.port}/hook`, { ...guarded, allowedHosts: ['localhost'] });
    expect(res.status).toBe(302);
    expect(redirector.seen).toHaveLength(1);
    expect(sink.seen).toHaveLength(0);
  });

  it('connects to the address it checked and keeps the name in Host', async () => {
    const resolve = async (host: string) => (host === 'receiver.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
    const before = sink.seen.length;
    const res = await post(`http://receiver.test:${sink.port}/x`, { ...guarded, allowedHosts: ['receiver.test'], resolve });
    expect(res.status).toBe(204);
    expect(sink.seen[before].headers.host).toBe(`receiver.test:${sink.port}`);
  });

  it('reaches private targets when allowPrivateTargets is on', async () => {
    const res = await post(`http://127.0.0.1:${sink.port}/ok`, { ...guarded, allowPrivateTargets: true });
    expect(res.status).toBe(204);
  });

  it('bounds an attempt by the timeout', async () => {
    await expect(post(`http://127.0.0.1:${silent.port}/`, { ...guarded, allowPrivateTargets: true, timeoutMs: 200 })).rejects.toThrow(/timed out after 200 ms/);
  });
});

describe('Standard Webhooks signing', () => {
  it('matches the reference library\'s test vector', () => {
    // standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works".
    const headers = standardWebhookHeaders('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });
});
