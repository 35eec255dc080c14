import { hostname } from 'node:os';
import { INCIDENT_COMMAND_TOPIC, INCIDENT_TOPIC, type IncidentCommand, type IncidentMessage } from '../../detectors/incidents/index.js';
import { ANOMALY_TOPIC, DetectorRunner, type AnomalyMessage } from '../../detectors/runner/index.js';
import { TOPICS, type IngestEnvelope, type KafkaBus, type Signal, type Subscription } from '../../ingest/index.js';
import type { FlatConfig } from '../config/schema.js';
import { DETECTED_TOPICS, runnerOptions } from '../detection.js';
import { VigilError } from '../errors.js';
import { IncidentRuntime, incidentEngineOptions, type Subscribable } from '../incidents.js';
import type { Logger } from '../logger.js';
import { createNotifier } from '../notify/index.js';
import { createServer } from '../server.js';
import { ConsumerLagMonitor, type LagTarget } from './consumer-lag.js';
import { DEAD_LETTER_TOPIC, ingestKafkaBus, jsonCodec, kafkaBus, retryUntil, consumerRoleHealthRoute, type RoleHandle } from './role.js';
import { openServerStore } from './server-store.js';

const LAG_INTERVAL_MS = 5_000;
const SIGNAL_OF_TOPIC = new Map(Object.entries(TOPICS).map(([signal, topic]) => [topic, signal as Signal]));

/**
 * Detector: the online detection of embedded mode over Kafka. The runner reads the metrics, logs
 * and traces topics in its own consumer groups (`<kafka.detectorGroupId>.<signal>`, so it sees
 * every record the writers see); the gateway keys records by service, so with several detectors
 * in a group each series is always scored by one of them. Scores, anomalies and detector states
 * (checkpoints, restored when a series comes back) go to the ClickHouse store; anomaly events go
 * to `vigil.anomalies` at once.
 *
 * The incident engine runs here too (incidents.enabled): it reads every anomaly and every
 * change from Kafka in groups of its own (`<prefix>-incidents.<topic>`), writes incidents to the
 * store and publishes transitions on `vigil.incidents`, where the notifier (notify.enabled) pages
 * from. It needs all anomalies of a deployment, so it runs on one detector only: set
 * incidents.enabled=false on the others. It applies the acks and resolves the api roles send on
 * `vigil.incident-commands` (group `<prefix>-incidents.commands`), each command once.
 */
export async function startDetectorRole(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  if (!config['detect.enabled']) throw new VigilError('CONFIG_INVALID', 'invalid configuration: detect.enabled: the detector role needs detection on');
  const store = await openServerStore(config, logger);
  const clientId = `vigil-detector-${hostname()}-${process.pid}`;
  const prefix = config['kafka.detectorGroupId'];
  const consumer = { maxWaitTimeMs: 500, sessionTimeoutMs: 10_000 };
  const ingest = ingestKafkaBus(config, clientId, {
    deadLetterTopic: DEAD_LETTER_TOPIC,
    consumer,
    onDeadLetter: (info) => logger.warn(info, `message moved to ${DEAD_LETTER_TOPIC}`),
  });
  const anomalies = kafkaBus<AnomalyMessage>(config, clientId, jsonCodec(), { consumer });
  // Pages go out for transitions from now on: a new notifier group must not page old incidents.
  const incidents = kafkaBus<IncidentMessage>(config, clientId, jsonCodec(), { consumer: { ...consumer, fromBeginning: false } });
  // A command nobody can decode is set aside (dead-letter topic) rather than blocking the ones after it.
  const commands = kafkaBus<IncidentCommand>(config, clientId, jsonCodec(), { consumer, deadLetterTopic: DEAD_LETTER_TOPIC, onDeadLetter: (info) => logger.warn(info, `message moved to ${DEAD_LETTER_TOPIC}`) });
  const buses: Array<KafkaBus<never>> = [ingest, anomalies, incidents, commands] as Array<KafkaBus<never>>;
  const app = createServer({ logger, maxBodyBytes: 1 << 20 }).app;
  const lagTargets: LagTarget[] = DETECTED_TOPICS.map((topic) => ({ groupId: `${prefix}.${SIGNAL_OF_TOPIC.get(topic)}`, topic }));
  const lag = new ConsumerLagMonitor(ingest, lagTargets, logger, { intervalMs: LAG_INTERVAL_MS, role: 'detector' });
  let runner: DetectorRunner | undefined;
  let incidentRuntime: IncidentRuntime | undefined;
  let notifier: Awaited<ReturnType<typeof createNotifier>> | undefined;
  let notifierSubscription: Subscription | undefined;
  let commandSubscription: Subscription | undefined;
  const close = async () => {
    lag.stop();
    await app.close();
    await runner?.close(); // stops reading, scores what is open, checkpoints every state
    await commandSubscription?.stop();
    await incidentRuntime?.close();
    await notifierSubscription?.stop();
    await notifier?.close();
    await Promise.all(buses.map((b) => b.close()));
    await store.close();
  };
  try {
    await retryUntil('Kafka not reachable', () => ingest.ensureTopics([...Object.values(TOPICS), DEAD_LETTER_TOPIC, ANOMALY_TOPIC, INCIDENT_TOPIC, INCIDENT_COMMAND_TOPIC]), 60_000, (err) =>
      logger.warn({ err: (err as Error).message }, 'waiting for Kafka'),
    );
    const ingestGroups = (groupPrefix: string): Subscribable<IngestEnvelope> => ({
      subscribe: ({ topic, onBatch }) => ingest.subscribe({ topic, groupId: `${groupPrefix}.${SIGNAL_OF_TOPIC.get(topic)}`, onBatch }),
    });

    if (config['incidents.enabled']) {
      const incidentPrefix = `${prefix}-incidents`;
      incidentRuntime = new IncidentRuntime(
        {
          store,
          logger,
          anomalies: { subscribe: ({ onBatch }) => anomalies.subscribe({ topic: ANOMALY_TOPIC, groupId: `${incidentPrefix}.anomalies`, onBatch }) },
          ingest: ingestGroups(incidentPrefix),
          incidents,
        },
        { ...incidentEngineOptions(config), topologyRefreshMs: config['incidents.topologyRefreshSeconds'] * 1000 },
      );
      await incidentRuntime.start();
      const runtime = incidentRuntime;
      commandSubscription = await commands.subscribe({
        topic: INCIDENT_COMMAND_TOPIC,
        groupId: `${incidentPrefix}.commands`,
        onBatch: async (messages) => {
          for (const { value } of messages) {
            if (isIncidentCommand(value)) await runtime.applyCommand(value);
            else logger.warn({ command: value }, 'incident command ignored: not a command');
          }
        },
      });
      lagTargets.push({ groupId: `${incidentPrefix}.anomalies`, topic: ANOMALY_TOPIC }, { groupId: `${incidentPrefix}.commands`, topic: INCIDENT_COMMAND_TOPIC });
      if (config['notify.enabled']) {
        const started = await createNotifier({ config, store, logger });
        notifier = started;
        notifierSubscription = await incidents.subscribe({ topic: INCIDENT_TOPIC, groupId: `${prefix}-notifier`, onBatch: (messages) => started.handle(messages.map((m) => m.value)) });
      }
    }
    runner = new DetectorRunner({ store, ingest: ingestGroups(prefix), ingestTopics: DETECTED_TOPICS, anomalies, logger }, runnerOptions(config));
    await runner.start();
    await lag.start();

    consumerRoleHealthRoute(app, 'detector', { store, config, lag }, () => ({
      detection: runner?.stats(),
      incidents: incidentRuntime ? { live: incidentRuntime.live().length } : undefined,
    }));
    const url = await app.listen({ host: config['server.host'], port: config['server.port'] });
    return {
      url,
      banner: [`Role: detector, Kafka ${config['kafka.brokers']} (groups ${prefix}.*${incidentRuntime ? `, incidents ${prefix}-incidents.*` : ''}) → ClickHouse and ${ANOMALY_TOPIC}`],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A decoded message that has a command's shape (the topic is open to anything that can write to Kafka). */
function isIncidentCommand(value: unknown): value is IncidentCommand {
  const c = value as Partial<IncidentCommand> | null;
  return (
    typeof c === 'object' && c !== null && typeof c.id === 'string' && c.id !== '' && (c.action === 'ack' || c.action === 'resolve') &&
    typeof c.incidentId === 'string' && typeof c.by === 'string' && c.by !== '' && (c.note === undefined || typeof c.note === 'string')
  );
}
