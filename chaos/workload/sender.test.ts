import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Sender } from './sender.js';

/** A receiver below the HTTP port: answers from a script, records what arrived. */
let server: Server | undefined;
async function receiver(answers: Array<{ status: number; headers?: Record<string, string>; body?: string }>) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push(body);
      const answer = answers.shift() ?? { status: 200, body: '{}' };
      res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen };
}
afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

describe('Sender', () => {
  it('retries 429 and 503 after Retry-After and counts the retries', async () => {
    const { url, seen } = await receiver([
      { status: 429, headers: { 'retry-after': '0' }, body: '{"code":"INGEST_QUEUE_FULL"}' },
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 200, body: '{}' },
    ]);
    const sender = new Sender({ target: url });
    await expect(sender.post('/v1/logs', 'application/json', '{"x":1}')).resolves.toEqual({ rejected: 0 });
    expect(sender.retries).toBe(2);
    expect(sender.requests).toBe(1);
    expect(seen).toEqual(['{"x":1}', '{"x":1}', '{"x":1}']);
  });

  it('reports partial_success rejections', async () => {
    const { url } = await receiver([{ status: 200, body: '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"too old"}}' }]);
    await expect(new Sender({ target: url }).post('/v1/traces', 'application/json', '{}')).resolves.toEqual({ rejected: 3 });
  });

  it('fails at once on a non-retryable answer, naming the path and the server’s message', async () => {
    const { url } = await receiver([{ status: 400, body: '{"code":"INGEST_INVALID_FIELD","message":"bad"}' }]);
    await expect(new Sender({ target: url }).post('/v1/metrics', 'application/json', '{}')).rejects.toThrow('POST /v1/metrics: 400 {"code":"INGEST_INVALID_FIELD"');
  });

  it('gives up, loudly, when retries outlast the deadline', async () => {
    const { url } = await receiver(Array.from({ length: 50 }, () => ({ status: 503, headers: { 'retry-after': '1' } })));
    const sender = new Sender({ target: url, retryTimeoutMs: 1500 });
    await expect(sender.post('/v1/logs', 'application/json', '{}')).rejects.toThrow(/^POST \/v1\/logs: 503 .*gave up after 2 attempts/);
    expect(sender.retries).toBe(1);
  });
});
