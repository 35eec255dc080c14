import { describe, expect, it } from 'vitest';
import { BusFullError, type BatchContext, type BusMessage } from './bus.js';
import { MemoryBus } from './memory-bus.js';

interface Payload {
  n: number;
  rows?: number;
}

function message(n: number, key = 'k', rows?: number): BusMessage<Payload> {
  return { key, id: `id-${n}`, value: { n, rows } };
}

function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

const settled = (p: Promise<unknown>) => p.then(() => 'resolved', () => 'rejected');
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('MemoryBus', () => {
  it('rejects a publish when nobody subscribed to the topic (nothing would store it)', async () => {
    const bus = new MemoryBus<Payload>();
    await expect(bus.publish('t', [message(1)])).rejects.toThrow(/no subscriber/);
  });

  it('throws BusFullError at once when the queue holds maxQueuedMessages, and drains back to empty', async () => {
    const bus = new MemoryBus<Payload>({ maxQueuedMessages: 3, retryAfterMs: 250, lingerMs: 0 });
    const writer = gate();
    await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: () => writer.wait });
    const accepted = [bus.publish('t', [message(1)]), bus.publish('t', [message(2)]), bus.publish('t', [message(3)])];
    const full = await bus.publish('t', [message(4)]).catch((e: unknown) => e);
    expect(full).toBeInstanceOf(BusFullError);
    expect((full as BusFullError).retryAfterMs).toBe(250);
    expect(bus.depth()).toEqual({ messages: 3, weight: 3 });
    writer.open();
    await Promise.all(accepted);
    expect(bus.depth()).toEqual({ messages: 0, weight: 0 });
    await expect(bus.publish('t', [message(5)])).resolves.toBeUndefined();
    await bus.close();
  });

  it('counts items through weightOf against maxQueuedItems', async () => {
    const bus = new MemoryBus<Payload>({ maxQueuedItems: 100, weightOf: (m) => m.value.rows ?? 1, lingerMs: 0 });
    const writer = gate();
    await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: () => writer.wait });
    const first = bus.publish('t', [message(1, 'k', 60)]);
    await expect(bus.publish('t', [message(2, 'k', 50)])).rejects.toBeInstanceOf(BusFullError);
    const second = bus.publish('t', [message(3, 'k', 40)]);
    expect(bus.depth()).toEqual({ messages: 2, weight: 100 });
    writer.open();
    await Promise.all([first, second]);
    await bus.close();
  });

  it('takes one publish of any size into an empty queue, so an oversized request is not refused forever', async () => {
    const bus = new MemoryBus<Payload>({ maxQueuedMessages: 2 });
    await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: async () => {} });
    await expect(bus.publish('t', [message(1), message(2), message(3)])).resolves.toBeUndefined();
    await bus.close();
  });

  it('group commit: concurrent publishes share one onBatch', async () => {
    const bus = new MemoryBus<Payload>({ lingerMs: 20 });
    const batches: number[][] = [];
    await bus.subscribe({
      topic: 't',
      groupId: 'writer',
      onBatch: async (messages) => void batches.push(messages.map((m) => m.value.n)),
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => bus.publish('t', [message(i)])));
    expect(batches).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    await bus.close();
  });

  it('group commit: what arrives while a batch is being written goes out together next', async () => {
    const bus = new MemoryBus<Payload>({ lingerMs: 0 });
    const first = gate();
    const batches: number[][] = [];
    await bus.subscribe({
      topic: 't',
      groupId: 'writer',
      onBatch: async (messages) => {
        batches.push(messages.map((m) => m.value.n));
        if (batches.length === 1) await first.wait;
      },
    });
    const pending = [bus.publish('t', [message(0)])];
    await tick();
    for (let i = 1; i <= 5; i++) pending.push(bus.publish('t', [message(i)]));
    first.open();
    await Promise.all(pending);
    expect(batches).toEqual([[0], [1, 2, 3, 4, 5]]);
    await bus.close();
  });

  it('lingers at most lingerMs for a small batch, and not at all for a full one', async () => {
    const bus = new MemoryBus<Payload>({ lingerMs: 100, maxBatchMessages: 4 });
    await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: async () => {} });
    let started = performance.now();
    await bus.publish('t', [message(1)]);
    const lingered = performance.now() - started;
    expect(lingered).toBeGreaterThanOrEqual(90);
    expect(lingered).toBeLessThan(1_000);

    const slow = new MemoryBus<Payload>({ lingerMs: 60_000, maxBatchMessages: 4 });
    await slow.subscribe({ topic: 't', groupId: 'writer', onBatch: async () => {} });
    started = performance.now();
    await slow.publish('t', [message(1), message(2), message(3), message(4)]);
    expect(performance.now() - started).toBeLessThan(1_000);
    await Promise.all([bus.close(), slow.close()]);
  });

  it('splits batches at maxBatchMessages and maxBatchItems, with increasing offsets', async () => {
    const bus = new MemoryBus<Payload>({ lingerMs: 0, maxBatchMessages: 3, maxBatchItems: 10, weightOf: (m) => m.value.rows ?? 1 });
    const writer = gate();
    const contexts: BatchContext[] = [];
    const sizes: number[] = [];
    await bus.subscribe({
      topic: 't',
      groupId: 'writer',
      onBatch: async (messages, ctx) => {
        await writer.wait;
        contexts.push(ctx);
        sizes.push(messages.length);
      },
    });
    const first = bus.publish('t', [message(0)]);
    await tick();
    const rest = bus.publish('t', [message(1), message(2), message(3), message(4), message(5, 'k', 8), message(6, 'k', 30)]);
    writer.open();
    await Promise.all([first, rest]);
    expect(sizes).toEqual([1, 3, 2, 1]);
    expect(contexts.map((c) => [c.firstOffset, c.lastOffset])).toEqual([
      ['0', '0'],
      ['1', '3'],
      ['4', '5'],
      ['6', '6'],
    ]);
    expect(contexts.every((c) => c.topic === 't' && c.partition === 0)).toBe(true);
    await bus.close();
  });

  it('retries a failing batch with the same messages and context, then resolves the publish', async () => {
    const bus = new MemoryBus<Payload>({ retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 } });
    const calls: { ids: string[]; ctx: BatchContext }[] = [];
    await bus.subscribe({
      topic: 't',
      groupId: 'writer',
      onBatch: async (messages, ctx) => {
        calls.push({ ids: messages.map((m) => m.id), ctx });
        if (calls.length < 3) throw new Error('store down');
      },
    });
    await bus.publish('t', [message(1), message(2)]);
    expect(calls).toHaveLength(3);
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[2]).toEqual(calls[0]);
    await bus.close();
  });

  it("rejects the publish with the subscriber's error after maxAttempts, and keeps serving", async () => {
    const bus = new MemoryBus<Payload>({ retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 } });
    let attempts = 0;
    await bus.subscribe({
      topic: 't',
      groupId: 'writer',
      onBatch: async (messages) => {
        attempts++;
        if (messages[0].value.n === 1) throw new Error('store down');
      },
    });
    await expect(bus.publish('t', [message(1)])).rejects.toThrow('store down');
    expect(attempts).toBe(2);
    await expect(bus.publish('t', [message(2)])).resolves.toBeUndefined();
    expect(bus.depth().messages).toBe(0);
    await bus.close();
  });

  it('fans out to every group; publish waits only for the required ones', async () => {
    const bus = new MemoryBus<Payload>({ lingerMs: 0 });
    const detector = gate();
    const seenByDetector: number[] = [];
    await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: async () => {} });
    await bus.subscribe({
      topic: 't',
      groupId: 'detector',
      required: false,
      onBatch: async (messages) => {
        await detector.wait;
        seenByDetector.push(...messages.map((m) => m.value.n));
      },
    });
    await bus.publish('t', [message(1), message(2)]);
    // The detector still holds the messages, so they still count against the bounds.
    expect(bus.depth().messages).toBe(2);
    detector.open();
    await bus.publish('t', [message(3)]);
    await expect.poll(() => seenByDetector).toEqual([1, 2, 3]);
    await expect.poll(() => bus.depth().messages).toBe(0);
    await bus.close();
  });

  it('tells onDeliveryError when a group that is not required gives up', async () => {
    const errors: string[] = [];
    const bus = new MemoryBus<Payload>({
      retry: { maxAttempts: 1 },
      onDeliveryError: (error, ctx, groupId) => errors.push(`${groupId}@${ctx.firstOffset}: ${(error as Error).message}`),
    });
    await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: async () => {} });
    await bus.subscribe({ topic: 't', groupId: 'detector', required: false, onBatch: async () => Promise.reject(new Error('bad')) });
    await bus.publish('t', [message(1)]);
    await expect.poll(() => errors).toEqual(['detector@0: bad']);
    await bus.close();
  });

  it('stays bounded under a flood from a faster publisher', async () => {
    const bus = new MemoryBus<Payload>({ maxQueuedMessages: 50, lingerMs: 0, maxBatchMessages: 10 });
    let maxDepth = 0;
    let delivered = 0;
    await bus.subscribe({
      topic: 't',
      groupId: 'writer',
      onBatch: async (messages) => {
        maxDepth = Math.max(maxDepth, bus.depth().messages);
        await new Promise((resolve) => setTimeout(resolve, 2));
        delivered += messages.length;
      },
    });
    const accepted: Promise<void>[] = [];
    let refused = 0;
    for (let i = 0; i < 2_000; i++) {
      const before = bus.depth().messages;
      const p = bus.publish('t', [message(i)]);
      if (bus.depth().messages > before) accepted.push(p);
      else {
        refused++;
        await expect(p).rejects.toBeInstanceOf(BusFullError);
      }
      maxDepth = Math.max(maxDepth, bus.depth().messages);
      if (i % 100 === 0) await tick();
    }
    await Promise.all(accepted);
    expect(refused).toBeGreaterThan(0);
    expect(maxDepth).toBeLessThanOrEqual(50);
    expect(delivered).toBe(accepted.length);
    expect(bus.depth()).toEqual({ messages: 0, weight: 0 });
    await bus.close();
  });

  it('rejects the publishes still waiting on a group that stops, and refuses publishes after close', async () => {
    const bus = new MemoryBus<Payload>({ lingerMs: 0 });
    const writer = gate();
    const subscription = await bus.subscribe({ topic: 't', groupId: 'writer', onBatch: () => writer.wait });
    const inFlight = bus.publish('t', [message(1)]);
    await tick();
    const queued = bus.publish('t', [message(2)]);
    const stopped = subscription.stop();
    writer.open();
    await stopped;
    expect(await settled(inFlight)).toBe('resolved'); // its batch was being written: stop waits for it
    await expect(queued).rejects.toThrow(/stopped/);
    await bus.close();
    await expect(bus.publish('t', [message(3)])).rejects.toThrow(/closed/);
  });

  it('refuses a second subscription of one group to one topic', async () => {
    const bus = new MemoryBus<Payload>();
    await bus.subscribe({ topic: 't', groupId: 'g', onBatch: async () => {} });
    await expect(bus.subscribe({ topic: 't', groupId: 'g', onBatch: async () => {} })).rejects.toThrow(/already/);
    await bus.close();
  });
});
