import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Server-Sent Events fan-out (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Every client has a bounded buffer: frames queue while its socket is congested, and a
 * client that falls `maxBufferedEvents` behind is disconnected (its EventSource
 * reconnects) rather than growing memory. Heartbeat comments keep proxies from timing
 * idle streams out and reveal dead peers.
 */
export interface SseHubOptions {
  heartbeatMs: number;
  maxBufferedEvents: number;
}

interface Client {
  res: ServerResponse;
  queue: string[];
  congested: boolean;
  accepts: (data: unknown) => boolean;
}

export class SseHub {
  private readonly clients = new Set<Client>();
  private heartbeat: NodeJS.Timeout | undefined;
  private nextId = 1;
  private closed = false;
  /** Clients disconnected for falling too far behind. */
  slowClientsDropped = 0;

  constructor(private readonly options: SseHubOptions) {}

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes over a response as an event stream until the client goes away or the hub closes. */
  attach(req: IncomingMessage, res: ServerResponse, accepts: (data: unknown) => boolean = () => true): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // nginx: do not buffer the stream
    });
    if (this.closed) {
      res.end();
      return;
    }
    const client: Client = { res, queue: [], congested: false, accepts };
    this.clients.add(client);
    res.on('drain', () => this.drain(client));
    req.on('close', () => this.remove(client));
    res.on('error', () => this.remove(client));
    this.write(client, `retry: 3000\n: connected\n\n`);
    this.heartbeat ??= setInterval(() => {
      for (const c of this.clients) this.write(c, ': heartbeat\n\n');
    }, this.options.heartbeatMs).unref();
  }

  /** Sends `event` with JSON `data` to every client whose filter accepts it. */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = `id: ${this.nextId++}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) if (c.accepts(data)) this.write(c, frame);
  }

  close(): void {
    this.closed = true;
    for (const c of [...this.clients]) {
      this.remove(c);
      c.res.end();
    }
  }

  private write(client: Client, frame: string): void {
    if (client.congested) {
      client.queue.push(frame);
      if (client.queue.length > this.options.maxBufferedEvents) {
        this.slowClientsDropped++;
        this.remove(client);
        client.res.destroy();
      }
      return;
    }
    if (!client.res.write(frame)) client.congested = true;
  }

  private drain(client: Client): void {
    client.congested = false;
    while (client.queue.length > 0 && !client.congested) {
      if (!client.res.write(client.queue.shift()!)) client.congested = true;
    }
  }

  private remove(client: Client): void {
    this.clients.delete(client);
    if (this.clients.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }
}
