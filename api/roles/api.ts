import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SqlSandbox } from '../../analytics/index.js';
import { INCIDENT_COMMAND_TOPIC, INCIDENT_TOPIC, type IncidentCommand, type IncidentMessage } from '../../detectors/incidents/index.js';
import { ANOMALY_TOPIC, type AnomalyMessage } from '../../detectors/runner/index.js';
import { decodeCloudEvents, IngestPipeline, TOPICS, type Subscription } from '../../ingest/index.js';
import { authRequired, setupAccess } from '../auth/index.js';
import { chatOpsSettings } from '../chatops/index.js';
import type { FlatConfig } from '../config/schema.js';
import { DatasetExporter, exportLimits } from '../datasets.js';
import { ingestLimits } from '../engine.js';
import { iforestTrainOptions } from '../iforest-training.js';
import { IncidentCommandClient } from '../incident-commands.js';
import type { Logger } from '../logger.js';
import { registerReadRoutes } from '../read-routes.js';
import { anomalyView } from '../routes/anomalies.js';
import { chatOpsRoutes } from '../routes/chatops.js';
import { datasetRoutes } from '../routes/datasets.js';
import { incidentView } from '../routes/incidents.js';
import { modelRoutes } from '../routes/models.js';
import { systemRoutes, type HealthReport } from '../routes/system.js';
import { createServer } from '../server.js';
import { sandboxLimits, sqlRoutes } from '../sql/index.js';
import { SseHub } from '../sse.js';
import { changeRiskSettings } from '../xops/settings.js';
import { ingestKafkaBus, jsonCodec, kafkaBus, retryUntil, type RoleHandle } from './role.js';
import { openServerStore } from './server-store.js';

/**
 * Api: the REST API and the web UI over the ClickHouse store, without receivers or detection.
 * The live stream (`GET /api/v1/anomalies/stream`) carries what the detectors publish on
 * `vigil.anomalies` and `vigil.incidents`; each api process reads them in a consumer group of its
 * own, starting at the topics' end when it starts, so every one of them streams every event from then on. Incidents are read
 * from the store. Acknowledging or resolving one is sent as an incident command on
 * `vigil.incident-commands` to the detector that runs the incident engine; the request waits up
 * to INCIDENT_COMMAND_WAIT_MS for the transition to come back on `vigil.incidents` (so the UI's
 * button shows the new status), else answers 202 with the command id. ChatOps (`/vigil …`) is
 * served here too: `ack` goes the same way, and each command's operation event is published on
 * `vigil.events` like a gateway's (the writers store it); drills need the embedded engine.
 */
/** Long enough for a live detector (its fetch long-poll is 500 ms) and a store write; short enough for a button press. */
const INCIDENT_COMMAND_WAIT_MS = 5_000;

export async function startApiRole(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  authRequired(config); // refuses auth.mode=off on a public interface before anything starts
  const store = await openServerStore(config, logger);
  const clientId = `vigil-api-${hostname()}-${process.pid}`;
  const groupId = `${clientId}-${randomUUID().slice(0, 8)}`;
  const consumer = { maxWaitTimeMs: 500, sessionTimeoutMs: 10_000, fromBeginning: false };
  const anomalies = kafkaBus<AnomalyMessage>(config, clientId, jsonCodec(), { consumer });
  const incidents = kafkaBus<IncidentMessage>(config, clientId, jsonCodec(), { consumer });
  const incidentCommands = kafkaBus<IncidentCommand>(config, clientId, jsonCodec());
  const commands = new IncidentCommandClient({ store, commands: incidentCommands }, { waitMs: INCIDENT_COMMAND_WAIT_MS });
  const events = ingestKafkaBus(config, clientId);
  const hub = new SseHub({ heartbeatMs: config['server.sseHeartbeatSeconds'] * 1000, maxBufferedEvents: config['server.sseMaxBufferedEvents'] });
  const { app, openapi } = createServer({ logger, maxBodyBytes: 1 << 20 });
  const subscriptions: Subscription[] = [];
  let access: Awaited<ReturnType<typeof setupAccess>> | undefined;
  const close = async () => {
    await app.close(); // closes the hub's streams too
    await access?.close();
    for (const s of subscriptions) await s.stop();
    await Promise.all([anomalies.close(), incidents.close(), incidentCommands.close(), events.close()]);
    hub.close();
    await store.close();
  };
  try {
    await retryUntil('Kafka not reachable', () => anomalies.ensureTopics([ANOMALY_TOPIC, INCIDENT_TOPIC, INCIDENT_COMMAND_TOPIC, TOPICS.events]), 60_000, (err) =>
      logger.warn({ err: (err as Error).message }, 'waiting for Kafka'),
    );
    // One group per topic: kafkajs assigns a group's partitions across its members whatever each subscribed to.
    const groups = { anomalies: `${groupId}.anomalies`, incidents: `${groupId}.incidents` };
    // Just-created topics can answer offset requests with NOT_LEADER for a moment after their leaders show in metadata.
    await retryUntil('Kafka topics not ready', async () => {
      await anomalies.startGroupAtEnd(groups.anomalies, ANOMALY_TOPIC);
      await incidents.startGroupAtEnd(groups.incidents, INCIDENT_TOPIC);
    }, 30_000, (err) => logger.warn({ err: (err as Error).message }, 'waiting for Kafka topics'));
    subscriptions.push(
      await anomalies.subscribe({
        topic: ANOMALY_TOPIC,
        groupId: groups.anomalies,
        onBatch: async (messages) => {
          for (const { value } of messages) hub.broadcast('anomaly', { type: value.type, ...anomalyView(value.anomaly) });
        },
      }),
      await incidents.subscribe({
        topic: INCIDENT_TOPIC,
        groupId: groups.incidents,
        onBatch: async (messages) => {
          for (const { value } of messages) {
            commands.observe(value);
            hub.broadcast('incident', { transition: value.transition, ...incidentView(value.incident) });
          }
        },
      }),
    );

    access = await setupAccess(app, config, store, logger); // before any route: every route is checked
    const sandbox = new SqlSandbox(store, sandboxLimits(config));
    const health = async (): Promise<HealthReport> => {
      try {
        await store.ping();
        return { status: 'ok', role: 'api', store: { kind: store.kind, reachable: true }, kafka: { brokers: config['kafka.brokers'] } };
      } catch (err) {
        return { status: 'degraded', role: 'api', store: { kind: store.kind, reachable: false, error: (err as Error).message }, kafka: { brokers: config['kafka.brokers'] } };
      }
    };
    await registerReadRoutes(app, { store, hub, runtime: undefined, commands, config });
    const limits = ingestLimits(config);
    const pipeline = new IngestPipeline(events, config['ingest.queue.retryAfterSeconds']);
    const recordEvent = async (event: object) => {
      const batch = decodeCloudEvents(Buffer.from(JSON.stringify(event)), { 'content-type': 'application/cloudevents+json' }, limits, BigInt(Date.now()) * 1_000_000n);
      await pipeline.submit('events', batch);
    };
    await app.register(async (scope) =>
      chatOpsRoutes(scope, { store, runtime: undefined, commands, riskSettings: changeRiskSettings(config), settings: chatOpsSettings(config), recordEvent }),
    );
    await app.register(async (scope) => systemRoutes(scope, { health, openapi }));
    await app.register(async (scope) => sqlRoutes(scope, { sandbox }));
    await app.register(async (scope) => datasetRoutes(scope, { exporter: new DatasetExporter(store, exportLimits(config)) }));
    await app.register(async (scope) => modelRoutes(scope, { store, defaults: { name: config['offline.iforest.model'], train: iforestTrainOptions(config) } }));
    await access.registerRoutes();
    await app.register(async (scope) => (await import('../routes/ui.js')).uiRoutes(scope)); // the web UI at / and /ui/*
    const url = await app.listen({ host: config['server.host'], port: config['server.port'] });
    const where = new URL(config['store.url']);
    return {
      url,
      banner: [
        `Role: api over ClickHouse ${where.protocol}//${where.host} (database ${config['store.database']}), live stream from ${ANOMALY_TOPIC} and ${INCIDENT_TOPIC}`,
        `Web UI: ${url}/`,
        access.access.required ? 'Auth: API tokens required (vigil token create --help)' : 'Auth: off (loopback); any address but loopback requires API tokens',
      ],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
