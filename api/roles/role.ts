import type { FastifyInstance } from 'fastify';
import type { Store } from '../../analytics/index.js';
import { KafkaBus, envelopeCodec, type Codec, type IngestEnvelope, type KafkaBusOptions } from '../../ingest/index.js';
import type { FlatConfig } from '../config/schema.js';
import { VigilError } from '../errors.js';
import type { ConsumerLagMonitor } from './consumer-lag.js';

/** A running role: its HTTP address, what to print at start, and how to stop it gracefully. */
export interface RoleHandle {
  url: string;
  /** Lines printed under "Vigil listening on …". */
  banner: string[];
  close(): Promise<void>;
}

/** Poison messages of every vigil.* topic go here, with the reason in a header. */
export const DEAD_LETTER_TOPIC = 'vigil.deadletter';

export function kafkaBrokers(config: FlatConfig): string[] {
  const brokers = config['kafka.brokers'].split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new VigilError('CONFIG_INVALID', `invalid configuration: kafka.brokers: role ${config.role} needs Kafka brokers (--kafka-brokers host:port,… or VIGIL_KAFKA_BROKERS)`);
  return brokers;
}

export function ingestKafkaBus(config: FlatConfig, clientId: string, extra: Partial<KafkaBusOptions<IngestEnvelope>> = {}): KafkaBus<IngestEnvelope> {
  return kafkaBus(config, clientId, envelopeCodec, extra);
}

/** Messages that are plain JSON documents (anomalies, incident transitions). */
export function jsonCodec<T>(): Codec<T> {
  return {
    encode: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
    decode: (bytes) => JSON.parse(bytes.toString('utf8')) as T,
  };
}

export function kafkaBus<T>(config: FlatConfig, clientId: string, codec: Codec<T>, extra: Partial<KafkaBusOptions<T>> = {}): KafkaBus<T> {
  return new KafkaBus<T>({
    brokers: kafkaBrokers(config),
    clientId,
    codec,
    topicPartitions: config['kafka.topicPartitions'],
    replicationFactor: config['kafka.replicationFactor'] > 0 ? config['kafka.replicationFactor'] : undefined,
    publishTimeoutMs: config['kafka.publishTimeoutMs'],
    retryAfterMs: config['ingest.queue.retryAfterSeconds'] * 1000,
    logLevel: config['log.level'] === 'debug' || config['log.level'] === 'trace' ? 'info' : 'nothing',
    ...extra,
  });
}

export interface RoleHealth {
  status: 'ok' | 'degraded';
  role: string;
  [detail: string]: unknown;
}

/** `GET /api/v1/health` of a role: 200 when ok, 503 when degraded. */
export function roleHealthRoute(app: FastifyInstance, health: () => Promise<RoleHealth>): void {
  app.get('/api/v1/health', { config: { role: 'public' } }, async (_request, reply) => {
    const report = await health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });
}

/**
 * The health of a role that consumes Kafka into the store (writer, detector): degraded when the
 * store does not answer or the consumer lag cannot be read; `details` adds the role's own parts.
 */
export function consumerRoleHealthRoute(
  app: FastifyInstance,
  role: string,
  deps: { store: Store; config: FlatConfig; lag: Pick<ConsumerLagMonitor, 'report'> },
  details: () => Record<string, unknown> = () => ({}),
): void {
  roleHealthRoute(app, async () => {
    let storeError: string | undefined;
    try {
      await deps.store.ping();
    } catch (err) {
      storeError = (err as Error).message;
    }
    const { error: lagError, ...consumerLag } = deps.lag.report();
    return {
      status: storeError === undefined && !lagError ? 'ok' : 'degraded',
      role,
      store: { kind: deps.store.kind, reachable: storeError === undefined, error: storeError },
      kafka: { brokers: deps.config['kafka.brokers'], error: lagError },
      ...details(),
      consumerLag,
    };
  });
}

/** Retries `attempt` until it resolves or `deadlineMs` passes (start-up ordering between roles). */
export async function retryUntil<V>(what: string, attempt: () => Promise<V>, deadlineMs: number, onRetry: (err: unknown) => void): Promise<V> {
  const until = Date.now() + deadlineMs;
  for (let wait = 250; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() + wait > until) throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
      onRetry(err);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
