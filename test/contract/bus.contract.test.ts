/**
 * One set of cases for every adapter of the Bus port: MemoryBus always, KafkaBus against a
 * real broker when KAFKA_BROKERS is set (the test global setup starts one; by hand:
 * `npm run kafka:start -- --port 9092 --data-dir /tmp/vigil-kafka` then
 * `KAFKA_BROKERS=127.0.0.1:9092 npx vitest run test/contract`). Under CI=true a missing
 * broker is a failure, never a skip.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchContext, Bus, BusMessage, Codec, Subscription } from '../../ingest/bus/bus.js';
import { KafkaBus } from '../../ingest/bus/kafka-bus.js';
import { MemoryBus } from '../../ingest/bus/memory-bus.js';
import { describeWithKafka } from '../kafka/kafka-env.js';

interface Payload {
  key: string;
  seq: number;
}

const jsonCodec: Codec<Payload> = {
  encode: (value) => Buffer.from(JSON.stringify(value)),
  decode: (bytes) => JSON.parse(bytes.toString('utf8')) as Payload,
};

interface BusUnderTest {
  bus: Bus<Payload>;
  /** A topic no other case uses, created with `partitions` partitions. */
  freshTopic(): Promise<string>;
  partitions: number;
  /**
   * How many messages of `topic` are durable on the bus right now. Embedded durability is the
   * writer having them (`writerHas`); Kafka's is the in-sync replicas having them.
   */
  durableCount(topic: string, writerHas: number): Promise<number>;
  close(): Promise<void>;
}

interface Delivery {
  /** onBatch rejected this one (an injected failure). */
  failed: boolean;
  ids: string[];
  ctx: BatchContext;
  payloads: Payload[];
}

function messagesFor(keys: string[], perKey: number, runId: string): BusMessage<Payload>[] {
  const out: BusMessage<Payload>[] = [];
  for (let seq = 0; seq < perKey; seq++) {
    for (const key of keys) out.push({ key, id: `${runId}/${key}/${seq}`, value: { key, seq } });
  }
  return out;
}

/**
 * Publishes in slices of `slice` messages. Concurrent publishes have no order among each
 * other (as two requests to a receiver have none); sequential ones keep theirs.
 */
async function publishAll(
  bus: Bus<Payload>,
  topic: string,
  messages: BusMessage<Payload>[],
  { slice = 5, concurrent = true } = {},
): Promise<void> {
  const calls: Promise<void>[] = [];
  for (let i = 0; i < messages.length; i += slice) {
    const call = bus.publish(topic, messages.slice(i, i + slice));
    if (concurrent) calls.push(call);
    else await call;
  }
  await Promise.all(calls);
}

function runBusContract(name: string, create: () => Promise<BusUnderTest>): void {
  describe(`Bus contract: ${name}`, () => {
    let sut: BusUnderTest;
    const subscriptions: Subscription[] = [];
    const waitMs = 30_000;

    beforeAll(async () => {
      sut = await create();
    });
    afterAll(async () => {
      await Promise.all(subscriptions.map((s) => s.stop()));
      await sut?.close();
    });

    async function collect(topic: string, groupId: string, fail?: (call: number) => boolean): Promise<Delivery[]> {
      const deliveries: Delivery[] = [];
      let calls = 0;
      subscriptions.push(
        await sut.bus.subscribe({
          topic,
          groupId,
          onBatch: async (messages, ctx) => {
            calls++;
            const failed = fail?.(calls) ?? false;
            deliveries.push({ failed, ids: messages.map((m) => m.id), ctx: { ...ctx }, payloads: messages.map((m) => m.value) });
            if (failed) throw new Error(`injected failure of call ${calls}`);
          },
        }),
      );
      return deliveries;
    }

    const succeeded = (deliveries: Delivery[]) => deliveries.filter((d) => !d.failed);
    const delivered = (deliveries: Delivery[]) => succeeded(deliveries).flatMap((d) => d.ids);

    it('delivers every message once, in publish order per key', async () => {
      const topic = await sut.freshTopic();
      const deliveries = await collect(topic, `g-${topic}`);
      const messages = messagesFor(['svc-a', 'svc-b', 'svc-c'], 20, randomUUID());
      await publishAll(sut.bus, topic, messages, { concurrent: false });
      await expect.poll(() => delivered(deliveries).length, { timeout: waitMs }).toBe(messages.length);

      expect(new Set(delivered(deliveries)).size).toBe(messages.length);
      expect(delivered(deliveries).sort()).toEqual(messages.map((m) => m.id).sort());
      const seqsByKey = new Map<string, number[]>();
      for (const p of succeeded(deliveries).flatMap((d) => d.payloads)) seqsByKey.set(p.key, [...(seqsByKey.get(p.key) ?? []), p.seq]);
      for (const seqs of seqsByKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    });

    it('resolves publish only once the messages are durable', async () => {
      const topic = await sut.freshTopic();
      let writerHas = 0;
      subscriptions.push(
        await sut.bus.subscribe({
          topic,
          groupId: `g-${topic}`,
          onBatch: async (messages) => {
            await new Promise((resolve) => setTimeout(resolve, 50)); // a slow store
            writerHas += messages.length;
          },
        }),
      );
      const messages = messagesFor(['svc-a', 'svc-b'], 5, randomUUID());
      await publishAll(sut.bus, topic, messages);
      expect(await sut.durableCount(topic, writerHas)).toBe(messages.length);
    });

    it('delivers a batch whose onBatch failed again, same messages and offsets, and loses nothing', async () => {
      const topic = await sut.freshTopic();
      const deliveries = await collect(topic, `g-${topic}`, (call) => call === 1);
      const messages = messagesFor(['svc-a', 'svc-b', 'svc-c'], 10, randomUUID());
      // One publish: both buses hand it over in one batch per partition, so call 1 holds messages.
      await sut.bus.publish(topic, messages);
      await expect.poll(() => delivered(deliveries).length, { timeout: waitMs }).toBe(messages.length);

      const [failed, ...rest] = deliveries;
      expect(failed.failed).toBe(true);
      expect(failed.ids.length).toBeGreaterThan(0);
      const retried = rest.find((d) => d.ctx.partition === failed.ctx.partition && d.ctx.firstOffset === failed.ctx.firstOffset);
      expect(retried?.ctx).toEqual(failed.ctx);
      expect(retried?.ids).toEqual(failed.ids);
      expect(new Set(delivered(deliveries))).toEqual(new Set(messages.map((m) => m.id)));
      expect(delivered(deliveries)).toHaveLength(messages.length);
    });

    it('gives every group all the messages', async () => {
      const topic = await sut.freshTopic();
      const [first, second] = [await collect(topic, `g1-${topic}`), await collect(topic, `g2-${topic}`)];
      const messages = messagesFor(['svc-a', 'svc-b'], 10, randomUUID());
      await publishAll(sut.bus, topic, messages);
      const all = messages.map((m) => m.id).sort();
      await expect.poll(() => delivered(first).sort(), { timeout: waitMs }).toEqual(all);
      await expect.poll(() => delivered(second).sort(), { timeout: waitMs }).toEqual(all);
    });

    it('keeps all messages of one key in one partition', async () => {
      const topic = await sut.freshTopic();
      const deliveries = await collect(topic, `g-${topic}`);
      const keys = Array.from({ length: 12 }, (_, i) => `service-${i}`);
      const messages = messagesFor(keys, 4, randomUUID());
      await publishAll(sut.bus, topic, messages, { slice: 7 });
      await expect.poll(() => delivered(deliveries).length, { timeout: waitMs }).toBe(messages.length);

      const partitionsByKey = new Map<string, Set<number>>();
      for (const d of succeeded(deliveries)) {
        for (const p of d.payloads) partitionsByKey.set(p.key, (partitionsByKey.get(p.key) ?? new Set()).add(d.ctx.partition));
      }
      for (const partitions of partitionsByKey.values()) expect(partitions.size).toBe(1);
      const used = new Set(deliveries.map((d) => d.ctx.partition));
      if (sut.partitions > 1) expect(used.size).toBeGreaterThan(1);
    });
  });
}

runBusContract('MemoryBus', async () => {
  let n = 0;
  return {
    bus: new MemoryBus<Payload>({ lingerMs: 1, retry: { initialBackoffMs: 1, maxBackoffMs: 5 } }),
    freshTopic: async () => `contract-${++n}`,
    partitions: 1,
    durableCount: async (_topic, writerHas) => writerHas,
    close: async () => undefined,
  };
});

describeWithKafka('KafkaBus on a real broker', (brokers) => {
  runBusContract('KafkaBus', async () => {
    const partitions = 3;
    const bus = new KafkaBus<Payload>({
      brokers,
      clientId: 'vigil-contract',
      codec: jsonCodec,
      topicPartitions: partitions,
      replicationFactor: 1,
      logLevel: 'error',
      redelivery: { initialBackoffMs: 10, maxBackoffMs: 100 },
      consumer: { maxWaitTimeMs: 250 },
    });
    const admin = new Kafka({ clientId: 'vigil-contract-probe', brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
    const runId = randomUUID().slice(0, 8);
    let n = 0;
    return {
      bus,
      partitions,
      freshTopic: async () => {
        const topic = `contract-${runId}-${++n}`;
        await bus.ensureTopics([topic]);
        return topic;
      },
      // acks=-1: a produce is answered once the high watermark covers it, i.e. all in-sync replicas have it.
      durableCount: async (topic) =>
        (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0),
      close: async () => {
        await admin.disconnect();
        await bus.close();
      },
    };
  });
});
