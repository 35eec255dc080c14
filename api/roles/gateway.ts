import { IngestPipeline, registerReceivers, TemplatePersistence, TOPICS, type NormaliseStage } from '../../ingest/index.js';
import type { FlatConfig } from '../config/schema.js';
import { ingestLimits } from '../engine.js';
import type { Logger } from '../logger.js';
import { refuseUncheckedPublicBind } from '../auth/index.js';
import { createServer } from '../server.js';
import { ingestKafkaBus, roleHealthRoute, type RoleHandle } from './role.js';

/**
 * Gateway: the receivers (with log template mining), publishing each request's envelope to its signal's Kafka topic
 * (keyed by service, gzip batches, idempotent producer, acks=all). A request is answered 2xx
 * only once Kafka acknowledged it; when the broker cannot take it in `kafka.publishTimeoutMs`
 * the answer is 503 with Retry-After and the batch is not sent later.
 */
export async function startGateway(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  refuseUncheckedPublicBind(config);
  const bus = ingestKafkaBus(config, 'vigil-gateway');
  // Topics are created here too, so that a gateway alone is enough to start taking data.
  let topicsReady = false;
  const ensureTopics = (): Promise<void> =>
    bus.ensureTopics(Object.values(TOPICS), config['kafka.publishTimeoutMs']).then(
      () => void (topicsReady = true),
      (err) => logger.warn({ err: (err as Error).message }, 'kafka topics not ready yet; requests get 503 until the broker answers'),
    );
  await ensureTopics();

  // Log template ids are stamped here, as in embedded mode; template rows go to the writers
  // over the logs topic. A pipeline without stages carries them (stages touch log records only).
  const stages: NormaliseStage[] = [];
  let templates: TemplatePersistence | undefined;
  if (config['logs.templates.enabled']) {
    const carrier = new IngestPipeline(bus, config['ingest.queue.retryAfterSeconds']);
    templates = await TemplatePersistence.open(
      { write: (log_templates, log_template_merges) => carrier.submit('logs', { rows: { log_templates, log_template_merges }, rejected: 0 }) },
      logger,
      { flushIntervalMs: 2_000, snapshotIntervalMs: 60_000 },
      { maxMinedChars: config['logs.templates.maxMinedChars'] },
    );
    const stage = templates.stage;
    stages.push((signal, rows) => {
      if (signal === 'logs' && rows.otel_logs) stage.apply(rows.otel_logs);
    });
  }
  const pipeline = new IngestPipeline(bus, config['ingest.queue.retryAfterSeconds'], stages);
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
      await templates?.close();
      await bus.close();
    },
  };
}
