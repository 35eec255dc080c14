/**
 * The Bus port: how ingest hands batches to the writer and the detectors.
 *
 * Delivery promise: `publish` resolves only once the batch is durable on the bus
 * (embedded: the subscriber has committed it to the store; Kafka: acked by all
 * in-sync replicas). It rejects when it is not, and then nothing may be assumed
 * stored, so the receiver answers a retryable error.
 */
export interface BusMessage<T> {
  /** Partitioning key: one series (service) always lands in one partition. */
  key: string;
  value: T;
  /** Stable id of the message, used to derive insert deduplication tokens. */
  id: string;
}

export interface BatchContext {
  topic: string;
  partition: number;
  /** First and last offsets of the batch on the bus (decimal strings), for dedup tokens. */
  firstOffset: string;
  lastOffset: string;
}

export interface SubscribeOptions<T> {
  topic: string;
  groupId: string;
  /**
   * Handles a batch of messages. Resolving commits the batch (offsets advance);
   * rejecting leaves it to be delivered again (at-least-once).
   */
  onBatch(messages: BusMessage<T>[], ctx: BatchContext): Promise<void>;
}

export interface Subscription {
  stop(): Promise<void>;
}

export interface Bus<T> {
  publish(topic: string, messages: BusMessage<T>[]): Promise<void>;
  subscribe(options: SubscribeOptions<T>): Promise<Subscription>;
  close(): Promise<void>;
}

/** Turns a message value into bytes and back, for buses that cross a process boundary. */
export interface Codec<T> {
  encode(value: T): Buffer;
  decode(bytes: Buffer): T;
}

/** Thrown by `publish` when the bus cannot take more right now (maps to 429/503 + Retry-After). */
export class BusFullError extends Error {
  override name = 'BusFullError';
  constructor(readonly retryAfterMs: number) {
    super(`bus is full, retry after ${retryAfterMs} ms`);
  }
}
