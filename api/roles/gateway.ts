import { IngestPipeline, registerReceivers, TOPICS } from '../../ingest/index.js';
import type { FlatConfig } from '../config/schema.js';
import { ingestLimits } from '../engine.js';
import type { Logger } from '../logger.js';
import { createServer } from '../server.js';
import { ingestKafkaBus, roleHealthRoute, type RoleHandle } from './role.js';

/**
 * Gateway: the receivers, publishing each request's envelope to its signal's Kafka topic
 * (keyed by service, gzip batches, idempotent producer, acks=all). A request is answered 2xx
 * only once Kafka acknowledged it; when the broker cannot take it in `kafka.publishTimeoutMs`
 * the answer is 503 with Retry-After and the batch is not sent later.
 */
export async function startGateway(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  const bus = ingestKafkaBus(config, 'vigil-gateway');
  // Topics are created here too, so that a gateway alone is enough to start taking data.
  let topicsReady = false;
  const ensureTopics = (): Promise<void> =>
    bus.ensureTopics(Object.values(TOPICS), config['kafka.publishTimeoutMs']).then(
      () => void (topicsReady = true),
      (err) => logger.warn({ err: (err as Error).message }, 'kafka topics not ready yet; requests get 503 until the broker answers'),
    );
  await ensureTopics();

  const pipeline = new IngestPipeline(bus, config['ingest.queue.retryAfterSeconds']);
  const limits = ingestLimits(config);
  const { app } = createServer({ logger, maxBodyBytes: limits.maxBodyBytes });
  await registerReceivers(app, { pipeline, limits });
  roleHealthRoute(app, async () => {
    if (!topicsReady) await ensureTopics();
    return { status: topicsReady ? 'ok' : 'degraded', role: 'gateway', kafka: { brokers: config['kafka.brokers'], topicsReady } };
  });
  const url = await app.listen({ host: config['server.host'], port: config['server.port'] });
  return {
    url,
    banner: [`Role: gateway → Kafka ${config['kafka.brokers']} (topics ${Object.values(TOPICS).join(', ')})`],
    close: async () => {
      await app.close(); // in-flight requests are answered (acked or 503) first
      await bus.close();
    },
  };
}
