import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ChdbStore, migrate, openStore, SqlSandbox, type Store } from '../analytics/index.js';
import { createEmbeddedBus, createStoreWriter, decodeCloudEvents, IngestPipeline, registerReceivers, TemplatePersistence, storeTemplateSink, TOPICS, type IngestLimits, type NormaliseStage } from '../ingest/index.js';
import { authRequired, setupAccess, type AccessSetup } from './auth/index.js';
import type { FlatConfig } from './config/schema.js';
import { INCIDENT_TOPIC } from '../detectors/incidents/index.js';
import { changeWindow, seenAnomaly, seenIncident } from './drill-wiring.js';
import { DrillService } from './drills.js';
import { startDetection } from './detection.js';
import { createNotifier } from './notify/index.js';
import { drillRoutes } from './routes/drills.js';
import { PatternAnomalies } from './pattern-anomalies.js';
import type { Logger } from './logger.js';
import type { OpenApiRegistry } from './openapi.js';
import { systemRoutes, type HealthReport } from './routes/system.js';
import { chatOpsRoutes } from './routes/chatops.js';
import { chatOpsSettings } from './chatops/index.js';
import { createServer } from './server.js';
import { registerReadRoutes } from './read-routes.js';
import { changeRiskSettings } from './xops/settings.js';
import { sandboxLimits, sqlRoutes } from './sql/index.js';
import { DatasetExporter, exportLimits } from './datasets.js';
import { datasetRoutes } from './routes/datasets.js';
import { IForestScoring, iforestScoringOptions } from './iforest-scoring.js';
import { iforestTrainOptions } from './iforest-training.js';
import { modelRoutes } from './routes/models.js';

export interface Vigil {
  app: FastifyInstance;
  store: Store;
  openapi: OpenApiRegistry;
  /** Base URL the server listens on, e.g. http://127.0.0.1:4318. */
  url: string;
  /** The ClickHouse HTTP interface (clickhouse.enabled, chDB store), e.g. http://127.0.0.1:8123. */
  clickhouseUrl?: string;
  /** Tokens, the role check and the audit log. */
  access: AccessSetup;
  close(): Promise<void>;
}

export function storeConfig(config: FlatConfig) {
  return {
    kind: config['store.kind'] as 'chdb' | 'clickhouse',
    dataDir: config['store.dataDir'],
    url: config['store.url'],
    user: config['store.user'],
    password: config['store.password'],
    database: config['store.database'],
    requestTimeoutMs: config['store.requestTimeoutMs'],
  };
}

export function ingestLimits(config: FlatConfig): IngestLimits {
  return {
    maxBodyBytes: config['ingest.maxBodyBytes'],
    maxAttributes: config['ingest.maxAttributes'],
    maxStringBytes: config['ingest.maxStringBytes'],
    maxBodyStringBytes: config['ingest.maxBodyStringBytes'],
    maxItemsPerRequest: config['ingest.maxItemsPerRequest'],
  };
}

/**
 * Embedded mode: receivers → in-process bounded bus → group-commit writer → store,
 * all in this process. Resolves once the server listens.
 */
export async function startVigil(config: FlatConfig, logger: Logger): Promise<Vigil> {
  authRequired(config); // refuses auth.mode=off on a public interface before anything starts
  const store = await openStore(storeConfig(config));
  try {
    const migrated = await migrate(store, { ttlDays: config['store.ttlDays'] });
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'schema migrated');

    const bus = createEmbeddedBus({
      maxQueuedItems: config['ingest.queue.maxQueuedItems'],
      maxBatchItems: config['ingest.queue.maxBatchItems'],
      lingerMs: config['ingest.queue.lingerMs'],
      retryAfterMs: config['ingest.queue.retryAfterSeconds'] * 1000,
    });
    const writer = createStoreWriter(store, { tokenPrefix: `${randomUUID()}/` });
    const subscriptions = await Promise.all(
      Object.values(TOPICS).map((topic) => bus.subscribe({ topic, groupId: 'writer', onBatch: writer })),
    );
    const detection = await startDetection(config, { store, bus, logger });
    const iforest = config['detect.enabled'] && config['offline.iforest.enabled'] ? new IForestScoring(store, (m) => detection.publish(m), logger, iforestScoringOptions(config)) : undefined;
    const templates = config['logs.templates.enabled']
      ? await TemplatePersistence.open(storeTemplateSink(store), logger, { flushIntervalMs: 2_000, snapshotIntervalMs: 60_000 }, {
          maxMinedChars: config['logs.templates.maxMinedChars'],
        })
      : undefined;
    const stages: NormaliseStage[] = [];
    if (templates) {
      const newPatterns = config['detect.enabled']
        ? new PatternAnomalies(store, (m) => detection.publish(m), logger, config['detect.threshold'], {
            warmupMs: config['logs.newPatternWarmupMinutes'] * 60_000,
            maxServices: 10_000,
          })
        : undefined;
      stages.push((signal, rows) => {
        if (signal !== 'logs' || !rows.otel_logs) return;
        const created = templates.stage.apply(rows.otel_logs);
        newPatterns?.onLogs(rows.otel_logs, created);
      });
    }
    const pipeline = new IngestPipeline(bus, config['ingest.queue.retryAfterSeconds'], stages);

    const limits = ingestLimits(config);
    const { app, openapi } = createServer({ logger, maxBodyBytes: limits.maxBodyBytes });
    const access = await setupAccess(app, config, store, logger); // before any route: every route is checked
    const sandbox = new SqlSandbox(store, sandboxLimits(config));
    const health = async (): Promise<HealthReport> => {
      const depth = bus.depth();
      const queue = { messages: depth.messages, items: depth.weight, maxItems: config['ingest.queue.maxQueuedItems'] };
      try {
        await store.ping();
        return { status: 'ok', store: { kind: store.kind, reachable: true }, queue, detection: detection.runner?.stats() };
      } catch (err) {
        return { status: 'degraded', store: { kind: store.kind, reachable: false, error: (err as Error).message }, queue, detection: detection.runner?.stats() };
      }
    };
    await registerReceivers(app, { pipeline, limits });
    await registerReadRoutes(app, { store, hub: detection.hub, runtime: detection.incidentRuntime, config });
    const recordEvent = async (event: object) => {
      const batch = decodeCloudEvents(Buffer.from(JSON.stringify(event)), { 'content-type': 'application/cloudevents+json' }, limits, BigInt(Date.now()) * 1_000_000n);
      await pipeline.submit('events', batch);
    };
    let url = '';
    const drills = new DrillService({
      store,
      logger,
      ingestUrl: () => url,
      watchAnomalies: (listener) => detection.watch({ anomaly: (m) => listener(seenAnomaly(m)) }),
      watchIncidents: (listener) => detection.watch({ incident: (m) => listener(seenIncident(m)) }),
      inChangeWindow: changeWindow(config),
    });
    const chatops = chatOpsSettings(config);
    await app.register(async (scope) => chatOpsRoutes(scope, { store, runtime: detection.incidentRuntime, riskSettings: changeRiskSettings(config), settings: chatops, recordEvent, drills }));
    await app.register(async (scope) => systemRoutes(scope, { health, openapi }));
    await app.register(async (scope) => sqlRoutes(scope, { sandbox }));
    await app.register(async (scope) => datasetRoutes(scope, { exporter: new DatasetExporter(store, exportLimits(config)) }));
    await app.register(async (scope) => modelRoutes(scope, { store, defaults: { name: config['offline.iforest.model'], train: iforestTrainOptions(config) } }));
    await access.registerRoutes();
    await app.register(async (scope) => (await import('./routes/ui.js')).uiRoutes(scope)); // the web UI at / and /ui/*

    const notifier = config['notify.enabled'] ? await createNotifier({ config, store, logger }) : undefined;
    const notifierSubscription = notifier
      ? await detection.incidents.subscribe({ topic: INCIDENT_TOPIC, groupId: 'notifier', required: false, onBatch: (messages) => notifier.handle(messages.map((m) => m.value)) })
      : undefined;
    await app.register(async (scope) => drillRoutes(scope, { drills, store }));

    const address = await app.listen({ host: config['server.host'], port: config['server.port'] });
    const clickhouse = config['clickhouse.enabled'] && store instanceof ChdbStore
      ? await (await import('./clickhouse-http/embedded.js')).startEmbeddedClickHouse(config, { store, sandbox, access: access.access, logger }).catch(async (err) => {
          await app.close();
          throw err;
        })
      : undefined;
    url = address;
    iforest?.start();
    drills.scheduleGameDays(config['drills.gameDayIntervalHours'] * 3_600_000, config['drills.gameDayDrills'].split(',').map((n) => n.trim()).filter(Boolean));
    let closing: Promise<void> | undefined;
    return {
      app,
      store,
      openapi,
      url: address,
      clickhouseUrl: clickhouse?.url,
      access,
      close: () =>
        (closing ??= (async () => {
          await clickhouse?.close();
          await drills.close(); // a running drill stops its faults and is scored as aborted
          await app.close(); // stops accepting; in-flight requests finish and get their answer
          await access.close();
          await iforest?.close();
          await detection.close(); // catches up, then checkpoints detector states
          await notifierSubscription?.stop();
          await notifier?.close(); // unsettled pages stay pending in the delivery log and resume on the next start
          for (const s of subscriptions) await s.stop();
          await bus.close();
          await templates?.close();
          await store.close();
        })()),
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
