import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SseHub } from './sse.js';

/** The hub on a plain HTTP server, read by real sockets. */
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
});

async function serve(hub: SseHub, accepts?: (d: unknown) => boolean): Promise<string> {
  server = createServer((req, res) => hub.attach(req, res, accepts));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  let text = '';
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text;
}

describe('SseHub', () => {
  it('streams events as SSE frames, filtered per client, with heartbeat comments', async () => {
    const hub = new SseHub({ heartbeatMs: 50, maxBufferedEvents: 10 });
    const url = await serve(hub, (d) => (d as { n: number }).n !== 2);
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await expect.poll(() => hub.clientCount).toBe(1);
    for (const n of [1, 2, 3]) hub.broadcast('anomaly', { n });
    const text = await readUntil(res, (t) => t.includes('"n":3') && t.includes(': heartbeat'));
    expect(text).toContain('event: anomaly\ndata: {"n":1}\n\n');
    expect(text).not.toContain('"n":2');
    expect(text).toMatch(/^retry: 3000\n: connected\n\n/);
    await res.body!.cancel();
    await expect.poll(() => hub.clientCount).toBe(0); // the client went away: forgotten
    hub.close();
  });

  it('disconnects a client that stops reading once its buffer is full, and keeps serving the others', async () => {
    const hub = new SseHub({ heartbeatMs: 60_000, maxBufferedEvents: 5 });
    const url = await serve(hub);
    const stalled = await fetch(url); // never read
    const healthy = await fetch(url);
    await expect.poll(() => hub.clientCount).toBe(2);
    const big = 'x'.repeat(64 * 1024);
    let sent = 0;
    const reading = readUntil(healthy, (t) => t.includes('"last":true'));
    while (hub.slowClientsDropped === 0 && sent < 10_000) {
      hub.broadcast('anomaly', { big, sent: sent++ });
      await new Promise((r) => setImmediate(r));
    }
    expect(hub.slowClientsDropped).toBe(1);
    expect(hub.clientCount).toBe(1);
    hub.broadcast('anomaly', { last: true });
    expect(await reading).toContain('"last":true');
    await stalled.body?.cancel().catch(() => {});
    hub.close();
    await expect.poll(() => hub.clientCount).toBe(0);
  });
});
