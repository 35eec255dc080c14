import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithKafka } from '../../test/kafka/kafka-env.js';
import { BusFullError, type BusMessage, type Codec, type Subscription } from './bus.js';
import { KafkaBus, MESSAGE_ID_HEADER } from './kafka-bus.js';

const textCodec: Codec<string> = {
  encode: (value) => Buffer.from(value, 'utf8'),
  decode: (bytes) => bytes.toString('utf8'),
};

const msg = (value: string, key = 'k'): BusMessage<string> => ({ key, id: `id-${value}`, value });

describeWithKafka('KafkaBus', (brokers) => {
  const runId = randomUUID().slice(0, 8);
  let topicCount = 0;
  const freshName = (what: string) => `kafka-bus-${runId}-${what}-${++topicCount}`;
  let bus: KafkaBus<string>;
  let admin: Admin;
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    bus = new KafkaBus({ brokers, clientId: 'vigil-kafka-bus-test', codec: textCodec, topicPartitions: 2, replicationFactor: 1, logLevel: 'error', consumer: { maxWaitTimeMs: 250 } });
    admin = new Kafka({ clientId: 'vigil-kafka-bus-probe', brokers, logLevel: logLevel.ERROR }).admin();
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await admin?.disconnect();
    await bus?.close();
  });

  async function freshTopic(what: string): Promise<string> {
    const topic = freshName(what);
    await bus.ensureTopics([topic]);
    return topic;
  }

  it('ensureTopics creates missing topics with the configured partitions and leaves existing ones', async () => {
    const topic = await freshTopic('ensure');
    await bus.ensureTopics([topic]);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0].partitions).toHaveLength(2);
  });

  it('carries the message id in a header, and names foreign messages by their offset', async () => {
    const topic = await freshTopic('ids');
    await bus.publish(topic, [msg('one')]);
    const foreign = new Kafka({ clientId: 'foreign', brokers, logLevel: logLevel.ERROR }).producer();
    await foreign.connect();
    await foreign.send({ topic, messages: [{ key: 'k', value: 'two' }] });
    await foreign.disconnect();

    const seen: BusMessage<string>[] = [];
    subscriptions.push(await bus.subscribe({ topic, groupId: `g-${topic}`, onBatch: async (m) => void seen.push(...m) }));
    await expect.poll(() => seen.length, { timeout: 30_000 }).toBe(2);
    const [first, second] = seen;
    expect(first).toEqual({ key: 'k', id: 'id-one', value: 'one' });
    expect(second.value).toBe('two');
    expect(second.id).toMatch(new RegExp(`^${topic}/\\d+/1$`));
    expect(MESSAGE_ID_HEADER).toBe('vigil-message-id');
  });

  it('commits only what onBatch accepted: a failing batch goes to the next member of the group', async () => {
    const topic = await freshTopic('commit');
    const groupId = `g-${topic}`;
    let failingCalls = 0;
    const failing = await bus.subscribe({
      topic,
      groupId,
      onBatch: async () => {
        failingCalls++;
        throw new Error('store down');
      },
    });
    await bus.publish(topic, [msg('a'), msg('b')]);
    await expect.poll(() => failingCalls, { timeout: 30_000 }).toBeGreaterThan(1);
    await failing.stop();

    const seen: string[] = [];
    const healthy = await bus.subscribe({ topic, groupId, onBatch: async (m) => void seen.push(...m.map((x) => x.value)) });
    await expect.poll(() => seen, { timeout: 30_000 }).toEqual(['a', 'b']);
    await healthy.stop();

    // Committed now: a later member of the group starts after them.
    await bus.publish(topic, [msg('c')]);
    const later: string[] = [];
    subscriptions.push(await bus.subscribe({ topic, groupId, onBatch: async (m) => void later.push(...m.map((x) => x.value)) }));
    await expect.poll(() => later, { timeout: 30_000 }).toEqual(['c']);
  });

  it('throws BusFullError while maxPendingMessages are on their way to the broker', async () => {
    const topic = await freshTopic('full');
    const small = new KafkaBus({ brokers, clientId: 'vigil-full', codec: textCodec, maxPendingMessages: 2, retryAfterMs: 300, logLevel: 'error' });
    try {
      const first = small.publish(topic, [msg('1'), msg('2')]);
      await expect(small.publish(topic, [msg('3')])).rejects.toEqual(new BusFullError(300));
      await first;
      await expect(small.publish(topic, [msg('3')])).resolves.toBeUndefined();
    } finally {
      await small.close();
    }
  });

  it('rejects a publish the broker does not acknowledge in time (a topic nobody created)', async () => {
    const strict = new KafkaBus({ brokers, clientId: 'vigil-timeout', codec: textCodec, publishTimeoutMs: 2_000, logLevel: 'nothing' });
    try {
      await expect(strict.publish(freshName('missing'), [msg('x')])).rejects.toThrow();
    } finally {
      await strict.close();
    }
  });
});
