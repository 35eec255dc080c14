import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The body exactly as it arrived. */
  body: string;
  atMs: number;
}

export type Answer = (req: Received, res: ServerResponse) => void;

/**
 * A loopback HTTP receiver standing in for a paging service: records every request
 * byte for byte and answers per path (default 202), so tests can script failures.
 */
export interface TestReceiver {
  url: string;
  port: number;
  requests: Received[];
  on(pathPrefix: string, answer: Answer): void;
  at(pathPrefix: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const requests: Received[] = [];
  const answers: Array<[string, Answer]> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), atMs: Date.now() };
      requests.push(received);
      const answer = answers.find(([prefix]) => received.path.startsWith(prefix))?.[1];
      if (answer) answer(received, res);
      else res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    on: (prefix, answer) => void answers.unshift([prefix, answer]),
    at: (prefix) => requests.filter((r) => r.path.startsWith(prefix)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
