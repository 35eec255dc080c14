import { hostname } from 'node:os';
import { migrate, openStore, type Store } from '../../analytics/index.js';
import { createStoreWriter, TOPICS, type PartitionLag, type Signal, type Subscription } from '../../ingest/index.js';
import type { FlatConfig } from '../config/schema.js';
import { storeConfig } from '../engine.js';
import type { Logger } from '../logger.js';
import { createServer } from '../server.js';
import { DEAD_LETTER_TOPIC, ingestKafkaBus, retryUntil, roleHealthRoute, type RoleHandle } from './role.js';

const LAG_INTERVAL_MS = 5_000;

/**
 * Writer: one consumer group per signal topic (`<kafka.writerGroupId>.<signal>`), inserting each
 * batch into the ClickHouse server with a deduplication token made of topic/partition/offset
 * range, committing offsets only after the insert succeeded. Batches keep their boundaries
 * across crashes and rebalances (KafkaBus stableBatches), so a batch inserted by a writer that
 * died before its commit is deduplicated when the next one inserts it again: at-least-once
 * delivery, exactly-once effect. Undecodable messages go to vigil.deadletter.
 */
export async function startWriter(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  const store: Store = await retryUntil('ClickHouse not reachable', () => openStore({ ...storeConfig(config), kind: 'clickhouse' }), 60_000, (err) =>
    logger.warn({ err: (err as Error).message }, 'waiting for ClickHouse'),
  );
  try {
    const migrated = await migrate(store, { ttlDays: config['store.ttlDays'] });
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'schema migrated');
  } catch (err) {
    await store.close();
    throw err;
  }

  const bus = ingestKafkaBus(config, `vigil-writer-${hostname()}-${process.pid}`, {
    deadLetterTopic: DEAD_LETTER_TOPIC,
    stableBatches: true,
    consumer: { maxWaitTimeMs: 500, sessionTimeoutMs: 10_000 },
    onDeliveryError: (err, ctx) => logger.warn({ err: (err as Error).message, ...ctx }, 'batch not stored, delivering it again'),
    onDeadLetter: (info) => logger.warn(info, `message moved to ${DEAD_LETTER_TOPIC}`),
  });
  const groupOf = (signal: Signal) => `${config['kafka.writerGroupId']}.${signal}`;
  const subscriptions: Subscription[] = [];
  let lag: PartitionLag[] = [];
  let lagError: string | undefined;
  let lagTimer: NodeJS.Timeout | undefined;
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

    const measureLag = async () => {
      try {
        const all = await Promise.all((Object.entries(TOPICS) as Array<[Signal, string]>).map(([signal, topic]) => bus.consumerLag(groupOf(signal), topic)));
        const previous = total(lag);
        lag = all.flat();
        lagError = undefined;
        if (total(lag) > 0 || previous > 0) logger.info({ consumerLag: total(lag), byTopic: byTopic(lag) }, 'writer consumer lag');
      } catch (err) {
        lagError = (err as Error).message;
      }
      lagTimer = setTimeout(measureLag, LAG_INTERVAL_MS);
      lagTimer.unref();
    };
    await measureLag();

    roleHealthRoute(app, async () => {
      let storeReachable = true;
      let storeError: string | undefined;
      try {
        await store.ping();
      } catch (err) {
        storeReachable = false;
        storeError = (err as Error).message;
      }
      return {
        status: storeReachable && !lagError ? 'ok' : 'degraded',
        role: 'writer',
        store: { kind: store.kind, reachable: storeReachable, error: storeError },
        kafka: { brokers: config['kafka.brokers'], error: lagError },
        consumerLag: { total: total(lag), byTopic: byTopic(lag), partitions: lag },
      };
    });
    const url = await app.listen({ host: config['server.host'], port: config['server.port'] });
    const where = new URL(config['store.url']);
    return {
      url,
      banner: [`Role: writer, Kafka ${config['kafka.brokers']} → ClickHouse ${where.protocol}//${where.host} (database ${config['store.database']})`],
      close: async () => {
        clearTimeout(lagTimer);
        await app.close();
        // Each stop lets the batch in flight finish its insert and commit (drain), then leaves the group.
        await Promise.all(subscriptions.map((s) => s.stop()));
        await bus.close();
        await store.close();
      },
    };
  } catch (err) {
    clearTimeout(lagTimer);
    await app.close();
    await bus.close();
    await store.close();
    throw err;
  }
}

function total(lag: PartitionLag[]): number {
  return lag.reduce((sum, p) => sum + p.lag, 0);
}

function byTopic(lag: PartitionLag[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of lag) out[p.topic] = (out[p.topic] ?? 0) + p.lag;
  return out;
}
