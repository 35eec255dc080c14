import {
  CompressionTypes,
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type EachBatchPayload,
  type KafkaMessage,
  type Message,
  type Producer,
} from 'kafkajs';
import { ConsumerMember } from './kafka-member.js';
import { BusFullError, type BatchContext, type Bus, type BusMessage, type Codec, type SubscribeOptions, type Subscription } from './bus.js';

export interface KafkaBusOptions<T> {
  brokers: string[];
  clientId: string;
  codec: Codec<T>;
  /** Partitions of the topics `ensureTopics` creates. Default 6. */
  topicPartitions?: number;
  /** Replicas of the topics `ensureTopics` creates. Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Batch-level compression of produced messages. Default gzip (kafkajs' built-in codec). */
  compression?: 'gzip' | 'none';
  /** Messages on their way to the broker before `publish` throws BusFullError. Default 10 000. */
  maxPendingMessages?: number;
  /** The `Retry-After` hint carried by BusFullError. Default 1 000 ms. */
  retryAfterMs?: number;
  /** Bytes (encoded values) above which queued publishes go in separate sends. Default 1 MiB. */
  maxSendBytes?: number;
  /** A publish not acknowledged by then rejects (it may still land: at-least-once). Default 30 s. */
  publishTimeoutMs?: number;
  /** Backoff between deliveries of a batch whose `onBatch` rejected. */
  redelivery?: { initialBackoffMs?: number; maxBackoffMs?: number };
  /** Consumer tuning passed to kafkajs. */
  consumer?: {
    sessionTimeoutMs?: number;
    maxBytesPerPartition?: number;
    /** Fetch long-poll; also how long stopping a member may wait for it. Default 5 000 ms (kafkajs'). */
    maxWaitTimeMs?: number;
    partitionsConsumedConcurrently?: number;
    /** Where a group without committed offsets starts. Default true: the writer must not miss data. */
    fromBeginning?: boolean;
    /** How long `subscribe` waits for the group join. Default 60 s. */
    joinTimeoutMs?: number;
    /**
     * How long stopping a member waits for kafkajs to leave the group. Past it the stop resolves
     * anyway: nothing unprocessed was committed, so the next owner gets it again. Default 15 s.
     */
    stopTimeoutMs?: number;
  };
  /**
   * Where messages the codec cannot decode go (raw key, value and headers, plus a reason
   * header), so one poison message does not stop its partition. Without it such a batch is
   * redelivered forever.
   */
  deadLetterTopic?: string;
  /**
   * Redelivered batches keep their boundaries (and so their dedup tokens), even on another
   * member after a crash: before `onBatch`, the batch's range is committed as metadata at its
   * first offset (`vigil-pending:<first>-<last>`), and whoever reads the partition next replays
   * exactly that range first. Costs one offset commit per batch. Default false.
   */
  stableBatches?: boolean;
  /**
   * A batch that `onBatch` rejects `maxAttempts` times with an error `isPermanent` recognises
   * (the store refuses the data itself: a type or parse error) is delivered again message by
   * message; each message refused `maxAttempts` times alone is moved to the dead-letter topic
   * with the error as reason, the others are delivered, and the batch is committed, so one bad
   * record neither holds its partition forever nor takes good ones with it. Any other error is
   * retried without end (store down, timeouts): nothing is lost. Needs `deadLetterTopic`.
   */
  permanentFailure?: { isPermanent(error: unknown): boolean; maxAttempts: number };
  /** Told about each message moved to the dead-letter topic. */
  onDeadLetter?: (info: { topic: string; partition: number; offset: string; reason: string }) => void;
  /** Told about each failed delivery of a batch (it is delivered again). */
  onDeliveryError?: (error: unknown, ctx: BatchContext, groupId: string) => void;
  logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

/** Header carrying BusMessage.id, so dedup and tracing survive the broker. */
export const MESSAGE_ID_HEADER = 'vigil-message-id';
/** Headers a dead-lettered message gets: why it was refused, and where it came from (`topic/partition@offset`). */
export const DEAD_LETTER_REASON_HEADER = 'vigil-deadletter-reason';
export const DEAD_LETTER_SOURCE_HEADER = 'vigil-deadletter-source';

/** Offset-commit metadata of a batch in progress (stableBatches). */
const PENDING_PREFIX = 'vigil-pending:';

/** How far a consumer group is behind on one partition. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read (-1: nothing committed yet). */
  committed: string;
  /** The partition's high watermark. */
  high: string;
  lag: number;
}

interface PendingSend {
  topic: string;
  records: Message[];
  bytes: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** The oldest queued publishes up to `maxBytes` (at least one), removed from the queue. */
function takeSendBatch(queue: PendingSend[], maxBytes: number): PendingSend[] {
  let bytes = queue[0].bytes;
  let count = 1;
  while (count < queue.length && bytes + queue[count].bytes <= maxBytes) bytes += queue[count++].bytes;
  return queue.splice(0, count);
}

const LOG_LEVELS = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

/**
 * The Bus port on Kafka (kafkajs), for distributed mode.
 *
 * publish: an idempotent producer with acks=-1, so a resolved publish is on every in-sync
 * replica and a retried send is not written twice. Messages are keyed, so one series keeps
 * to one partition (Java-compatible murmur2 partitioner: other clients agree on partitions).
 *
 * subscribe: one consumer group member with `eachBatch`. A batch's offsets are committed only
 * after `onBatch` resolved; a rejected batch is delivered again, the same messages with the same
 * BatchContext, after a backoff, until it succeeds or the partition moves to another member (which
 * then starts from the last committed offset). Delivery is at-least-once; the writer's dedup
 * tokens, derived from the offsets, make it exactly-once in the store.
 */
export class KafkaBus<T> implements Bus<T> {
  private readonly kafka: Kafka;
  private producer?: Promise<Producer>;
  private admin?: Promise<Admin>;
  private readonly consumers = new Set<Subscription>();
  private pendingMessages = 0;
  private readonly sendQueue: PendingSend[] = [];
  private sending = false;
  private closed = false;

  constructor(private readonly options: KafkaBusOptions<T>) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
    });
  }

  /** Creates the topics that do not exist yet (existing ones are left as they are) and waits for their leaders. */
  async ensureTopics(topics: string[], timeoutMs = 30_000): Promise<void> {
    const admin = await this.connectedAdmin();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: false, // see waitForLeaders below
        topics: missing.map((topic) => ({
          topic,
          numPartitions: this.options.topicPartitions ?? 6,
          replicationFactor: this.options.replicationFactor ?? -1,
        })),
      });
    }
    await waitForLeaders(admin, topics, timeoutMs);
  }

  async publish(topic: string, messages: BusMessage<T>[]): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (messages.length === 0) return;
    const maxPending = this.options.maxPendingMessages ?? 10_000;
    if (this.pendingMessages > 0 && this.pendingMessages + messages.length > maxPending) {
      throw new BusFullError(this.options.retryAfterMs ?? 1_000);
    }
    this.pendingMessages += messages.length;
    let bytes = 0;
    const records = messages.map((m) => {
      const value = this.options.codec.encode(m.value);
      bytes += value.length;
      return { key: m.key, value, headers: { [MESSAGE_ID_HEADER]: m.id } };
    });
    let pending: PendingSend | undefined;
    const sent = new Promise<void>((resolve, reject) => {
      pending = { topic, records, bytes, resolve, reject };
      this.sendQueue.push(pending);
      void this.drainSendQueue();
    });
    try {
      await withTimeout(sent, this.options.publishTimeoutMs ?? 30_000, `publish to ${topic} not acknowledged`);
    } catch (err) {
      // Timed out while still queued (e.g. the broker is down): it is never sent, so a client
      // that retries after the error does not get its records stored twice.
      const queued = this.sendQueue.indexOf(pending!);
      if (queued >= 0) this.sendQueue.splice(queued, 1);
      throw err;
    } finally {
      this.pendingMessages -= messages.length;
    }
  }

  /**
   * One send in flight at a time; publishes that arrive meanwhile go out together in the next
   * one. kafkajs numbers an idempotent producer's records when it builds a request, so two
   * concurrent sends to one partition can reach the broker out of sequence
   * (OUT_OF_ORDER_SEQUENCE_NUMBER); one at a time also keeps sequential publishes in order.
   * A failed send fails every publish merged into it (some partitions may have taken their
   * part: at-least-once, as with any producer retry).
   */
  private async drainSendQueue(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.sendQueue.length > 0) {
        const batch = takeSendBatch(this.sendQueue, this.options.maxSendBytes ?? 1_048_576);
        if (this.closed) {
          for (const pending of batch) pending.reject(new Error('bus is closed'));
          continue;
        }
        try {
          const producer = await this.connectedProducer();
          await producer.sendBatch({
            acks: -1,
            compression: this.options.compression === 'none' ? CompressionTypes.None : CompressionTypes.GZIP,
            topicMessages: batch.map(({ topic, records }) => ({ topic, messages: records })),
          });
          for (const pending of batch) pending.resolve();
        } catch (err) {
          for (const pending of batch) pending.reject(err);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  async subscribe(options: SubscribeOptions<T>): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed');
    const tuning = this.options.consumer ?? {};
    let member: ConsumerMember | undefined;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
      maxBytesPerPartition: tuning.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: tuning.maxWaitTimeMs ?? 5_000,
      allowAutoTopicCreation: false,
      retry: { retries: 5, restartOnFailure: () => member!.restartOnFailure() },
    });
    member = new ConsumerMember(consumer);
    // Partitions whose pending range (stableBatches) was looked up since the last group join.
    const checked = new Set<string>();
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        checked.clear();
        resolve();
      });
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [options.topic], fromBeginning: tuning.fromBeginning ?? true });
      await consumer.run({
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: tuning.partitionsConsumedConcurrently ?? 1,
        eachBatch: (payload) => this.handleBatch(options, payload, checked),
      });
      const joinTimeoutMs = tuning.joinTimeoutMs ?? 60_000;
      await withTimeout(joined, joinTimeoutMs, `group ${options.groupId} did not join`);
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    return this.track(member, tuning.stopTimeoutMs ?? 15_000);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.consumers].map((s) => s.stop()));
    const [producer, admin] = [this.producer, this.admin];
    this.producer = this.admin = undefined;
    await Promise.all([
      producer?.then((p) => p.disconnect(), () => undefined),
      admin?.then((a) => a.disconnect(), () => undefined),
    ]);
  }

  private async handleBatch(options: SubscribeOptions<T>, payload: EachBatchPayload, checked: Set<string>): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0) return;
    let messages = batch.messages;
    const ctx: BatchContext = {
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: messages[0].offset,
      lastOffset: messages[messages.length - 1].offset,
    };
    const stable = this.options.stableBatches === true;
    const partitionKey = `${batch.topic}/${batch.partition}`;
    if (stable && !checked.has(partitionKey)) {
      const pending = await this.pendingRange(options.groupId, batch.topic, batch.partition);
      checked.add(partitionKey);
      // Replay exactly the range a previous reader had started on, under its token. (A fetch
      // shorter than that range cannot: it goes as it is, at-least-once.)
      if (pending && pending.first === ctx.firstOffset && BigInt(pending.last) <= BigInt(ctx.lastOffset)) {
        messages = messages.filter((m) => BigInt(m.offset) <= BigInt(pending.last));
        ctx.firstOffset = pending.first;
        ctx.lastOffset = pending.last;
      }
    }
    const { decoded, accepted, poison } = this.decodeAll(batch.topic, batch.partition, messages);
    let deadLettered = poison.length === 0;
    let announced = !stable;
    const first = await this.untilDone(payload, ctx, options.groupId, true, async () => {
      if (!announced) {
        await payload.commitOffsetsIfNecessary({
          topics: [{ topic: ctx.topic, partitions: [{ partition: ctx.partition, offset: ctx.firstOffset, metadata: `${PENDING_PREFIX}${ctx.firstOffset}-${ctx.lastOffset}` } as { partition: number; offset: string }] }],
        });
        announced = true;
      }
      if (!deadLettered) {
        await this.deadLetter(ctx, poison);
        deadLettered = true;
      }
      if (decoded.length > 0) await options.onBatch(decoded, { ...ctx });
    });
    if (first === 'abandoned') return;
    if (first !== 'done') {
      // Refused for good: find the message(s) at fault one by one (each under its own offset
      // range, so its own dedup token) and move only those aside; the others are delivered.
      for (let i = 0; i < decoded.length; i++) {
        const one: BatchContext = { ...ctx, firstOffset: accepted[i].offset, lastOffset: accepted[i].offset };
        const single = decoded.length === 1 ? first : await this.untilDone(payload, one, options.groupId, true, () => options.onBatch([decoded[i]], { ...one }));
        if (single === 'abandoned') return;
        if (single === 'done') continue;
        const moved = await this.untilDone(payload, one, options.groupId, false, () => this.deadLetter(one, [{ message: accepted[i], reason: single.refused }]));
        if (moved === 'abandoned') return;
      }
    }
    payload.resolveOffset(ctx.lastOffset);
    await payload.commitOffsetsIfNecessary({
      topics: [{ topic: ctx.topic, partitions: [{ partition: ctx.partition, offset: (BigInt(ctx.lastOffset) + 1n).toString() }] }],
    });
  }

  /**
   * Runs `attempt` until it succeeds ('done'), the partition is no longer ours ('abandoned':
   * stopping, rebalanced or sought, so it stays uncommitted for the next owner), or, when
   * `refusable`, it failed permanentFailure.maxAttempts times with a permanent error.
   * Backoff between attempts, heartbeating meanwhile.
   */
  private async untilDone(payload: EachBatchPayload, ctx: BatchContext, groupId: string, refusable: boolean, attempt: () => Promise<void>): Promise<'done' | 'abandoned' | { refused: string }> {
    const { heartbeat, isRunning, isStale } = payload;
    let refusals = 0;
    for (let n = 1; ; n++) {
      if (!isRunning() || isStale()) return 'abandoned';
      try {
        await attempt();
        return 'done';
      } catch (err) {
        this.reportDeliveryError(err, ctx, groupId);
        if (refusable && this.isPermanent(err) && ++refusals >= this.options.permanentFailure!.maxAttempts) {
          return { refused: `refused by ${groupId} ${refusals} times: ${err instanceof Error ? err.message : String(err)}` };
        }
      }
      // heartbeat() throws when the group rebalances; kafkajs then rejoins and refetches from
      // the committed offset, so the batch is delivered again either way.
      await sleepWithHeartbeats(this.redeliveryBackoffMs(n), heartbeat, () => !isRunning() || isStale());
    }
  }

  /** The range a reader announced and may not have finished (stableBatches), from the group's committed metadata. */
  private async pendingRange(groupId: string, topic: string, partition: number): Promise<{ first: string; last: string } | undefined> {
    const admin = await this.connectedAdmin();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets?.partitions.find((p) => p.partition === partition);
    const m = committed?.metadata ? new RegExp(`^${PENDING_PREFIX}(\\d+)-(\\d+)$`).exec(committed.metadata) : null;
    if (!m || m[1] !== committed!.offset) return undefined;
    return { first: m[1], last: m[2] };
  }

  private isPermanent(error: unknown): boolean {
    const rule = this.options.permanentFailure;
    if (!rule || !this.options.deadLetterTopic) return false;
    try {
      return rule.isPermanent(error);
    } catch {
      return false; // when in doubt, retry: nothing is lost
    }
  }

  /**
   * Decodes a batch; what the codec refuses is poison (dead-lettered when a topic is configured,
   * else redelivered). `accepted` are the raw messages behind `decoded`.
   */
  private decodeAll(topic: string, partition: number, messages: KafkaMessage[]): { decoded: BusMessage<T>[]; accepted: KafkaMessage[]; poison: Array<{ message: KafkaMessage; reason: string }> } {
    const decoded: BusMessage<T>[] = [];
    const accepted: KafkaMessage[] = [];
    const poison: Array<{ message: KafkaMessage; reason: string }> = [];
    for (const m of messages) {
      const id = m.headers?.[MESSAGE_ID_HEADER];
      try {
        if (m.value === null) throw new Error('message without value');
        decoded.push({
          key: m.key?.toString('utf8') ?? '',
          id: id === undefined ? `${topic}/${partition}/${m.offset}` : String(id),
          value: this.options.codec.decode(m.value),
        });
        accepted.push(m);
      } catch (err) {
        const reason = `undecodable at ${topic}/${partition}@${m.offset}: ${err instanceof Error ? err.message : String(err)}`;
        if (!this.options.deadLetterTopic) throw new Error(reason);
        poison.push({ message: m, reason });
      }
    }
    return { decoded, accepted, poison };
  }

  /** Publishes messages as they came (key, value, headers) with a reason, acked by all in-sync replicas. */
  private async deadLetter(ctx: BatchContext, poison: Array<{ message: KafkaMessage; reason: string }>): Promise<void> {
    const producer = await this.connectedProducer();
    await producer.send({
      topic: this.options.deadLetterTopic!,
      acks: -1,
      messages: poison.map(({ message, reason }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          [DEAD_LETTER_REASON_HEADER]: reason,
          [DEAD_LETTER_SOURCE_HEADER]: `${ctx.topic}/${ctx.partition}@${message.offset}`,
        },
      })),
    });
    for (const { message, reason } of poison) {
      try {
        this.options.onDeadLetter?.({ topic: ctx.topic, partition: ctx.partition, offset: message.offset, reason });
      } catch {
        // A failing hook must not undo the move.
      }
    }
  }

  /**
   * Commits the topic's current end offsets for a group that has none, so that its first member
   * reads exactly what is published from now on (kafkajs' `fromBeginning: false` instead resolves
   * "latest" when the member first fetches, which misses what is published in between, and again
   * on every restart of a member that has committed nothing yet).
   */
  async startGroupAtEnd(groupId: string, topic: string): Promise<void> {
    const admin = await this.connectedAdmin();
    const highs = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({ groupId, topic, partitions: highs.map((h) => ({ partition: h.partition, offset: h.high })) });
  }

  /** Per-partition lag of a consumer group on a topic: high watermark minus committed offset. */
  async consumerLag(groupId: string, topic: string): Promise<PartitionLag[]> {
    const admin = await this.connectedAdmin();
    const [[committed], highs] = await Promise.all([admin.fetchOffsets({ groupId, topics: [topic] }), admin.fetchTopicOffsets(topic)]);
    const committedBy = new Map(committed?.partitions.map((p) => [p.partition, p.offset]) ?? []);
    return highs.map((h) => {
      const at = committedBy.get(h.partition) ?? '-1';
      // Nothing committed: the group starts from the beginning (fromBeginning), so all retained data is lag.
      const from = BigInt(at) < 0n ? BigInt(h.low) : BigInt(at);
      return { topic, partition: h.partition, committed: at, high: h.high, lag: Number(BigInt(h.high) - from) };
    }).sort((a, b) => a.partition - b.partition);
  }

  private redeliveryBackoffMs(attempt: number): number {
    const initial = this.options.redelivery?.initialBackoffMs ?? 100;
    const max = this.options.redelivery?.maxBackoffMs ?? 5_000;
    const ceiling = Math.min(max, initial * 2 ** Math.min(attempt - 1, 30));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private reportDeliveryError(error: unknown, ctx: BatchContext, groupId: string): void {
    try {
      this.options.onDeliveryError?.(error, ctx, groupId);
    } catch {
      // A failing error hook must not stop redelivery.
    }
  }

  private track(member: ConsumerMember, stopTimeoutMs: number): Subscription {
    const subscription: Subscription = {
      stop: () => {
        this.consumers.delete(subscription);
        return member.stop(stopTimeoutMs);
      },
    };
    this.consumers.add(subscription);
    return subscription;
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= connectOrForget(
      this.kafka.producer({
        idempotent: true,
        // kafkajs keeps idempotent sequence numbers right only with one request in flight.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
      () => (this.producer = undefined),
    );
    return this.producer;
  }

  private connectedAdmin(): Promise<Admin> {
    this.admin ??= connectOrForget(this.kafka.admin(), () => (this.admin = undefined));
    return this.admin;
  }
}

/**
 * kafkajs' own `waitForLeaders` gives up when a just-created topic is briefly unknown to the
 * metadata cache (UNKNOWN_TOPIC_OR_PARTITION, seen on Kafka 4.x); this retries every
 * retriable error until each partition has a leader.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lastProblem: unknown;
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
      if (leaderless.length === 0) return;
      lastProblem = `no leader yet for ${leaderless.map((t) => t.name).join(', ')}`;
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable) throw err;
      lastProblem = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`topics ${topics.join(', ')} not ready within ${timeoutMs} ms: ${String(lastProblem)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Connects a client; on failure forgets it so that the next call tries a fresh one. */
async function connectOrForget<C extends { connect(): Promise<void> }>(client: C, forget: () => void): Promise<C> {
  try {
    await client.connect();
    return client;
  } catch (err) {
    forget();
    throw err;
  }
}

/** Waits `ms`, heartbeating at least every 250 ms so the group keeps the member; ends early on `abandon`. */
async function sleepWithHeartbeats(ms: number, heartbeat: () => Promise<void>, abandon: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (abandon()) return;
    await heartbeat();
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, 250)));
  }
}

function withTimeout<V>(promise: Promise<V>, timeoutMs: number, what: string): Promise<V> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
