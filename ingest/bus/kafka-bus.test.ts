import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithKafka } from '../../test/kafka/kafka-env.js';
import { BusFullError, type BusMessage, type Codec, type Subscription } from './bus.js';
import { DEAD_LETTER_REASON_HEADER, DEAD_LETTER_SOURCE_HEADER, KafkaBus, MESSAGE_ID_HEADER } from './kafka-bus.js';

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

  /** What lands on a dead-letter topic: values and reasons. */
  async function readDeadLetters(topic: string, count: number): Promise<Array<{ value: string; reason: string; source: string }>> {
    const consumer = new Kafka({ clientId: 'vigil-dlq-probe', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `probe-${topic}`, maxWaitTimeInMs: 250 });
    const seen: Array<{ value: string; reason: string; source: string }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) =>
          void seen.push({ value: String(message.value), reason: String(message.headers?.[DEAD_LETTER_REASON_HEADER]), source: String(message.headers?.[DEAD_LETTER_SOURCE_HEADER]) }),
      });
      await expect.poll(() => seen.length, { timeout: 30_000 }).toBeGreaterThanOrEqual(count);
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  it('moves only the messages the consumer refuses for good to the dead-letter topic, after maxAttempts, and goes on', async () => {
    const topic = await freshTopic('refused');
    const deadLetters = await freshTopic('refused-dlq');
    const strict = new KafkaBus({
      brokers,
      clientId: 'vigil-refused',
      codec: textCodec,
      logLevel: 'error',
      deadLetterTopic: deadLetters,
      permanentFailure: { isPermanent: (err) => (err as Error).message.startsWith('TYPE_MISMATCH'), maxAttempts: 3 },
      redelivery: { initialBackoffMs: 20, maxBackoffMs: 100 },
      consumer: { maxWaitTimeMs: 250 },
    });
    try {
      const batches: string[][] = [];
      const stored: string[] = [];
      subscriptions.push(
        await strict.subscribe({
          topic,
          groupId: `g-${topic}`,
          onBatch: async (messages) => {
            batches.push(messages.map((m) => m.value));
            if (messages.some((m) => m.value === 'bad')) throw new Error('TYPE_MISMATCH: cannot parse "bad"');
            stored.push(...messages.map((m) => m.value));
          },
        }),
      );
      // One partition (one key), one publish: one batch with the bad message between good ones.
      await strict.publish(topic, [msg('a'), msg('bad'), msg('b')]);
      await expect.poll(() => stored, { timeout: 30_000 }).toEqual(['a', 'b']);
      await strict.publish(topic, [msg('after')]);
      await expect.poll(() => stored, { timeout: 30_000 }).toEqual(['a', 'b', 'after']);
      const [dead, ...more] = await readDeadLetters(deadLetters, 1);
      expect(more).toEqual([]);
      expect(dead.value).toBe('bad');
      expect(dead.reason).toMatch(/refused by g-.* 3 times: TYPE_MISMATCH/);
      expect(dead.source).toBe(`${topic}/${dead.source.split('/')[1].split('@')[0]}@1`);
      // The whole batch three times, then each message alone; the bad one three times again.
      expect(batches.filter((b) => b.includes('bad'))).toEqual([...Array(3).fill(['a', 'bad', 'b']), ...Array(3).fill(['bad'])]);
    } finally {
      await strict.close();
    }
  });

  it('keeps redelivering a batch on errors that are not permanent (store down) until it passes, without dead-lettering', async () => {
    const topic = await freshTopic('transient');
    const deadLetters = await freshTopic('transient-dlq');
    const patient = new KafkaBus({
      brokers,
      clientId: 'vigil-transient',
      codec: textCodec,
      logLevel: 'error',
      deadLetterTopic: deadLetters,
      permanentFailure: { isPermanent: (err) => (err as Error).message.startsWith('TYPE_MISMATCH'), maxAttempts: 2 },
      redelivery: { initialBackoffMs: 20, maxBackoffMs: 50 },
      consumer: { maxWaitTimeMs: 250 },
    });
    try {
      let calls = 0;
      const stored: string[] = [];
      subscriptions.push(
        await patient.subscribe({
          topic,
          groupId: `g-${topic}`,
          onBatch: async (messages) => {
            if (++calls <= 6) throw new Error('connect ECONNREFUSED');
            stored.push(...messages.map((m) => m.value));
          },
        }),
      );
      await patient.publish(topic, [msg('x'), msg('y')]);
      await expect.poll(() => stored, { timeout: 30_000 }).toEqual(['x', 'y']);
      expect(calls).toBe(7);
      const high = await admin.fetchTopicOffsets(deadLetters);
      expect(high.every((p) => p.high === '0')).toBe(true);
    } finally {
      await patient.close();
    }
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
