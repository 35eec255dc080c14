import { hostname } from 'node:os';
import { isPermanentStoreError } from '../../analytics/index.js';
import { createStoreWriter, TOPICS, type Signal, type Subscription } from '../../ingest/index.js';
import type { FlatConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { createServer } from '../server.js';
import { ConsumerLagMonitor } from './consumer-lag.js';
import { openServerStore } from './server-store.js';
import { DEAD_LETTER_TOPIC, ingestKafkaBus, retryUntil, consumerRoleHealthRoute, type RoleHandle } from './role.js';

const LAG_INTERVAL_MS = 5_000;
/** Deliveries of a batch the store refuses as malformed before it goes to vigil.deadletter. */
const REFUSED_BATCH_ATTEMPTS = 5;

/**
 * Writer: one consumer group per signal topic (`<kafka.writerGroupId>.<signal>`), inserting each
 * batch into the ClickHouse server with a deduplication token made of topic/partition/offset
 * range, committing offsets only after the insert succeeded. Batches keep their boundaries
 * across crashes and rebalances (KafkaBus stableBatches), so a batch inserted by a writer that
 * died before its commit is deduplicated when the next one inserts it again: at-least-once
 * delivery, exactly-once effect. Undecodable messages go to vigil.deadletter, and so do batches the
 * store refuses for good (a parse or type error) after REFUSED_BATCH_ATTEMPTS deliveries; a store
 * that is down or slow is waited for, without end.
 */
export async function startWriter(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  const store = await openServerStore(config, logger);

  const bus = ingestKafkaBus(config, `vigil-writer-${hostname()}-${process.pid}`, {
    deadLetterTopic: DEAD_LETTER_TOPIC,
    stableBatches: true,
    permanentFailure: { isPermanent: isPermanentStoreError, maxAttempts: REFUSED_BATCH_ATTEMPTS },
    consumer: { maxWaitTimeMs: 500, sessionTimeoutMs: 10_000 },
    onDeliveryError: (err, ctx) => logger.warn({ err: (err as Error).message, ...ctx }, 'batch not stored, delivering it again'),
    onDeadLetter: (info) => logger.warn(info, `message moved to ${DEAD_LETTER_TOPIC}`),
  });
  const groupOf = (signal: Signal) => `${config['kafka.writerGroupId']}.${signal}`;
  const subscriptions: Subscription[] = [];
  const lag = new ConsumerLagMonitor(bus, (Object.entries(TOPICS) as Array<[Signal, string]>).map(([signal, topic]) => ({ groupId: groupOf(signal), topic })), logger, {
    intervalMs: LAG_INTERVAL_MS,
    role: 'writer',
  });
  const app = createServer({ logger, maxBodyBytes: 1 << 20 }).app;
  try {
    await retryUntil('Kafka not reachable', () => bus.ensureTopics([...Object.values(TOPICS), DEAD_LETTER_TOPIC]), 60_000, (err) =>
      logger.warn({ err: (err as Error).message }, 'waiting for Kafka'),
    );
    // Kafka is the only state: tokens must be the same whichever writer inserts a batch.
    const writeBatch = createStoreWriter(store, { tokenPrefix: 'kafka/' });
    for (const [signal, topic] of Object.entries(TOPICS) as Array<[Signal, string]>) {
      subscriptions.push(await bus.subscribe({ topic, groupId: groupOf(signal), onBatch: writeBatch }));
    }

    await lag.start();

    consumerRoleHealthRoute(app, 'writer', { store, config, lag });
    const url = await app.listen({ host: config['server.host'], port: config['server.port'] });
    const where = new URL(config['store.url']);
    return {
      url,
      banner: [`Role: writer, Kafka ${config['kafka.brokers']} → ClickHouse ${where.protocol}//${where.host} (database ${config['store.database']})`],
      close: async () => {
        lag.stop();
        await app.close();
        // Each stop lets the batch in flight finish its insert and commit (drain), then leaves the group.
        await Promise.all(subscriptions.map((s) => s.stop()));
        await bus.close();
        await store.close();
      },
    };
  } catch (err) {
    lag.stop();
    await app.close();
    await bus.close();
    await store.close();
    throw err;
  }
}
