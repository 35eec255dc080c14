import { BusFullError, type BatchContext, type Bus, type BusMessage, type SubscribeOptions, type Subscription } from './bus.js';

export interface MemoryBusRetryPolicy {
  /** Deliveries of one batch to one group before its publishers are rejected (>= 1). */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface MemoryBusOptions<T> {
  /** Bounds of the queue over all topics; past either, `publish` throws BusFullError at once. */
  maxQueuedMessages?: number;
  maxQueuedItems?: number;
  /** Bounds of one `onBatch` call (a single heavier message still goes, alone). */
  maxBatchMessages?: number;
  maxBatchItems?: number;
  /** How long a group waits for more messages when its batch is not full yet (group commit). */
  lingerMs?: number;
  /** Items a message counts for in the item bounds, e.g. its row count. Default 1. */
  weightOf?: (message: BusMessage<T>) => number;
  /** The `Retry-After` hint carried by BusFullError. */
  retryAfterMs?: number;
  retry?: Partial<MemoryBusRetryPolicy>;
  /** Told when a group that is not required gives up on a batch (nobody else is). */
  onDeliveryError?: (error: unknown, ctx: BatchContext, groupId: string) => void;
}

export interface MemorySubscribeOptions<T> extends SubscribeOptions<T> {
  /**
   * `publish` waits for the groups that are required (the store writer); the others
   * (detectors) get every message too, but a publish does not wait for them. Default true.
   */
  required?: boolean;
}

export interface MemoryBusDepth {
  /** Messages held: not yet processed by every group of their topic. */
  messages: number;
  /** Their summed weight (items). */
  weight: number;
}

const DEFAULTS = {
  maxQueuedMessages: 10_000,
  maxQueuedItems: 1_000_000,
  maxBatchMessages: 1_000,
  maxBatchItems: 100_000,
  lingerMs: 2,
  retryAfterMs: 1_000,
  retry: { maxAttempts: 3, initialBackoffMs: 50, maxBackoffMs: 1_000 },
};

interface Entry<T> {
  offset: number;
  message: BusMessage<T>;
  weight: number;
}

/** One `publish` call waiting until every required group has processed its offsets. */
interface Waiter {
  firstOffset: number;
  lastOffset: number;
  pendingGroups: Set<Group<unknown>>;
  resolve(): void;
  reject(error: unknown): void;
}

interface Group<T> {
  groupId: string;
  required: boolean;
  onBatch: SubscribeOptions<T>['onBatch'];
  /** Next offset to deliver; everything below it is processed (or given up on). */
  next: number;
  stopped: boolean;
  wake?: () => void;
  loop?: Promise<void>;
}

/** One topic's log: a single partition 0 with offsets counting from 0 for the bus's lifetime. */
interface TopicLog<T> {
  name: string;
  entries: Entry<T>[];
  /** Index in `entries` of the oldest retained entry (trimming by index avoids O(n) shifts). */
  head: number;
  nextOffset: number;
  groups: Map<string, Group<T>>;
  waiters: Waiter[];
}

/**
 * The in-process bus of embedded mode: a bounded log per topic, read by consumer groups.
 *
 * Durability comes from the subscriber: `publish` resolves only once every required
 * group (the store writer) has resolved `onBatch` for its messages, and rejects with the
 * group's error after `retry.maxAttempts` deliveries of the same batch with the same
 * BatchContext (so the writer's dedup tokens make the retries idempotent). Nothing
 * survives the process, which is why nothing is acknowledged before the store has it.
 *
 * Group commit: a group takes everything waiting (up to the batch bounds), after lingering
 * up to `lingerMs` for more, so concurrent publishers share one `onBatch` (one insert).
 * A group that subscribes starts at the next published offset.
 */
export class MemoryBus<T> implements Bus<T> {
  private readonly topics = new Map<string, TopicLog<T>>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly limits;
  private readonly retry: MemoryBusRetryPolicy;
  private readonly weightOf: (message: BusMessage<T>) => number;
  private queuedMessages = 0;
  private queuedWeight = 0;
  private closed = false;

  constructor(private readonly options: MemoryBusOptions<T> = {}) {
    this.limits = {
      maxQueuedMessages: options.maxQueuedMessages ?? DEFAULTS.maxQueuedMessages,
      maxQueuedItems: options.maxQueuedItems ?? DEFAULTS.maxQueuedItems,
      maxBatchMessages: options.maxBatchMessages ?? DEFAULTS.maxBatchMessages,
      maxBatchItems: options.maxBatchItems ?? DEFAULTS.maxBatchItems,
      lingerMs: options.lingerMs ?? DEFAULTS.lingerMs,
      retryAfterMs: options.retryAfterMs ?? DEFAULTS.retryAfterMs,
    };
    this.retry = { ...DEFAULTS.retry, ...options.retry };
    if (this.retry.maxAttempts < 1) throw new RangeError('retry.maxAttempts must be at least 1');
    this.weightOf = options.weightOf ?? (() => 1);
  }

  depth(): MemoryBusDepth {
    return { messages: this.queuedMessages, weight: this.queuedWeight };
  }

  publish(topic: string, messages: BusMessage<T>[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('bus is closed'));
    if (messages.length === 0) return Promise.resolve();
    const log = this.topics.get(topic);
    if (!log || log.groups.size === 0) {
      // Nobody would store it: refusing keeps the promise that a resolved publish is durable.
      return Promise.reject(new Error(`no subscriber on topic ${topic}: nothing would store the messages`));
    }
    const weights = messages.map((m) => this.weightOf(m));
    const weight = weights.reduce((a, b) => a + b, 0);
    // An empty queue takes one publish of any size, else an oversized one could never pass;
    // the receivers' request limits bound that size.
    const empty = this.queuedMessages === 0;
    if (
      !empty &&
      (this.queuedMessages + messages.length > this.limits.maxQueuedMessages ||
        this.queuedWeight + weight > this.limits.maxQueuedItems)
    ) {
      return Promise.reject(new BusFullError(this.limits.retryAfterMs));
    }

    const firstOffset = log.nextOffset;
    messages.forEach((message, i) => log.entries.push({ offset: log.nextOffset++, message, weight: weights[i] }));
    this.queuedMessages += messages.length;
    this.queuedWeight += weight;

    const required = [...log.groups.values()].filter((g) => g.required) as Group<unknown>[];
    const done = required.length === 0 ? Promise.resolve() : new Promise<void>((resolve, reject) => {
      log.waiters.push({ firstOffset, lastOffset: log.nextOffset - 1, pendingGroups: new Set(required), resolve, reject });
    });
    for (const group of log.groups.values()) group.wake?.();
    return done;
  }

  async subscribe(options: MemorySubscribeOptions<T>): Promise<Subscription> {
    if (this.closed) throw new Error('bus is closed');
    const log = this.topicLog(options.topic);
    if (log.groups.has(options.groupId)) {
      throw new Error(`group ${options.groupId} already subscribed to ${options.topic}`);
    }
    const group: Group<T> = {
      groupId: options.groupId,
      required: options.required ?? true,
      onBatch: options.onBatch,
      next: log.nextOffset,
      stopped: false,
    };
    log.groups.set(group.groupId, group);
    group.loop = this.runGroup(log, group);

    let stopping: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () =>
        (stopping ??= (async () => {
          group.stopped = true;
          group.wake?.();
          await group.loop;
          log.groups.delete(group.groupId);
          this.failWaiters(log, group, new Error(`subscriber ${group.groupId} of ${log.name} stopped`));
          this.trim(log);
          this.subscriptions.delete(subscription);
        })()),
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }

  private topicLog(name: string): TopicLog<T> {
    let log = this.topics.get(name);
    if (!log) {
      log = { name, entries: [], head: 0, nextOffset: 0, groups: new Map(), waiters: [] };
      this.topics.set(name, log);
    }
    return log;
  }

  private async runGroup(log: TopicLog<T>, group: Group<T>): Promise<void> {
    while (!group.stopped) {
      if (group.next >= log.nextOffset) {
        await this.sleepUntilWoken(group);
        continue;
      }
      const lingerUntil = Date.now() + this.limits.lingerMs;
      while (!group.stopped && !this.batchIsFull(log, group) && Date.now() < lingerUntil) {
        await this.sleepUntilWoken(group, lingerUntil - Date.now());
      }
      if (group.stopped) break;
      const batch = this.takeBatch(log, group);
      const ctx: BatchContext = {
        topic: log.name,
        partition: 0,
        firstOffset: String(batch[0].offset),
        lastOffset: String(batch[batch.length - 1].offset),
      };
      const error = await this.deliver(group, batch.map((e) => e.message), ctx);
      const first = batch[0].offset;
      const last = batch[batch.length - 1].offset;
      group.next = last + 1;
      if (error === undefined) this.settleWaiters(log, group);
      else if (group.required) this.failWaiters(log, group, error, first, last);
      else this.reportDeliveryError(error, ctx, group.groupId);
      this.trim(log);
    }
  }

  private reportDeliveryError(error: unknown, ctx: BatchContext, groupId: string): void {
    try {
      this.options.onDeliveryError?.(error, ctx, groupId);
    } catch {
      // A failing error hook must not stop the group's delivery loop.
    }
  }

  /** Delivers one batch up to maxAttempts times; resolves with the last error, or undefined. */
  private async deliver(group: Group<T>, messages: BusMessage<T>[], ctx: BatchContext): Promise<unknown> {
    let error: unknown;
    for (let attempt = 1; attempt <= this.retry.maxAttempts; attempt++) {
      try {
        await group.onBatch(messages, { ...ctx });
        return undefined;
      } catch (err) {
        error = err ?? new Error('onBatch rejected');
      }
      if (attempt < this.retry.maxAttempts) await delay(backoffMs(this.retry, attempt));
    }
    return error;
  }

  private batchIsFull(log: TopicLog<T>, group: Group<T>): boolean {
    const waiting = log.nextOffset - group.next;
    if (waiting >= this.limits.maxBatchMessages) return true;
    let weight = 0;
    for (let i = this.indexOf(log, group.next); i < log.entries.length; i++) {
      weight += log.entries[i].weight;
      if (weight >= this.limits.maxBatchItems) return true;
    }
    return false;
  }

  private takeBatch(log: TopicLog<T>, group: Group<T>): Entry<T>[] {
    const batch: Entry<T>[] = [];
    let weight = 0;
    for (let i = this.indexOf(log, group.next); i < log.entries.length; i++) {
      const entry = log.entries[i];
      if (batch.length >= this.limits.maxBatchMessages) break;
      if (batch.length > 0 && weight + entry.weight > this.limits.maxBatchItems) break;
      batch.push(entry);
      weight += entry.weight;
    }
    return batch;
  }

  private indexOf(log: TopicLog<T>, offset: number): number {
    const oldest = log.entries[log.head]?.offset ?? log.nextOffset;
    return log.head + (offset - oldest);
  }

  /** Resolves the publishes whose offsets every required group has now processed. */
  private settleWaiters(log: TopicLog<T>, group: Group<T>): void {
    const g = group as Group<unknown>;
    log.waiters = log.waiters.filter((waiter) => {
      if (waiter.lastOffset >= group.next || !waiter.pendingGroups.delete(g)) return true;
      if (waiter.pendingGroups.size > 0) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Rejects the publishes that wait on `group` (within [first, last] when given). */
  private failWaiters(log: TopicLog<T>, group: Group<T>, error: unknown, first = -Infinity, last = Infinity): void {
    const g = group as Group<unknown>;
    log.waiters = log.waiters.filter((waiter) => {
      const overlaps = waiter.firstOffset <= last && waiter.lastOffset >= first;
      if (!overlaps || !waiter.pendingGroups.has(g)) return true;
      waiter.reject(error);
      return false;
    });
  }

  /** Drops the entries every group of the topic is past; they count against the bounds until then. */
  private trim(log: TopicLog<T>): void {
    let keepFrom = log.nextOffset;
    for (const g of log.groups.values()) keepFrom = Math.min(keepFrom, g.next);
    while (log.head < log.entries.length && log.entries[log.head].offset < keepFrom) {
      const entry = log.entries[log.head++];
      this.queuedMessages--;
      this.queuedWeight -= entry.weight;
    }
    if (log.head > 1024 && log.head * 2 > log.entries.length) {
      log.entries = log.entries.slice(log.head);
      log.head = 0;
    }
  }

  private sleepUntilWoken(group: Group<T>, timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, Math.max(0, timeoutMs));
      function done(): void {
        clearTimeout(timer);
        group.wake = undefined;
        resolve();
      }
      group.wake = done;
    });
  }
}

function backoffMs(policy: MemoryBusRetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2); // jitter keeps groups from retrying in step
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
