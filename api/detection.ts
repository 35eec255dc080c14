import type { Store } from '../analytics/index.js';
import { INCIDENT_TOPIC, type IncidentMessage } from '../detectors/incidents/index.js';
import { ANOMALY_TOPIC, DetectorRunner, type AnomalyMessage, type CoreOptions, type RunnerOptions } from '../detectors/runner/index.js';
import { MemoryBus, TOPICS, type IngestEnvelope, type Subscription } from '../ingest/index.js';
import type { FlatConfig } from './config/schema.js';
import type { Logger } from './logger.js';
import { IncidentRuntime, incidentEngineOptions } from './incidents.js';
import { anomalyView } from './routes/anomalies.js';
import { incidentView } from './routes/incidents.js';
import { PatternCorrelation } from './pattern-correlation.js';
import { SseHub } from './sse.js';

/** Detector options from configuration (shared by the live runner and `vigil detect backfill`). */
export function detectorOptions(config: FlatConfig): CoreOptions & { lagMs: number } {
  return {
    detector: config['detect.detector'] as CoreOptions['detector'],
    threshold: config['detect.threshold'],
    closeThreshold: config['detect.closeThreshold'],
    quietPoints: config['detect.quietPoints'],
    rebaselinePoints: config['detect.rebaselineMinutes'],
    maxSeries: config['detect.maxSeries'],
    maxGapMinutes: config['detect.maxGapMinutes'],
    lagMs: config['detect.lagSeconds'] * 1000,
  };
}

/** The ingest topics the online detectors read (events are changes, not series). */
export const DETECTED_TOPICS = [TOPICS.metrics, TOPICS.logs, TOPICS.traces];

/** The live runner's options from configuration (embedded mode and the detector role). */
export function runnerOptions(config: FlatConfig): RunnerOptions {
  const { lagMs, ...core } = detectorOptions(config);
  return {
    core,
    lagMs,
    snapshotIntervalMs: config['detect.snapshotIntervalSeconds'] * 1000,
    flushIntervalMs: 1_000,
    maxBufferedRows: 50_000,
    early: {
      intervalMs: config['detect.earlyIntervalSeconds'] * 1000,
      minSamples: config['detect.earlyMinSamples'],
      minElapsedMs: config['detect.earlyMinElapsedSeconds'] * 1000,
    },
  };
}

export interface DetectionListener {
  anomaly?(message: AnomalyMessage): void;
  incident?(message: IncidentMessage): void;
}

export interface Detection {
  hub: SseHub;
  runner: DetectorRunner | undefined;
  /** Every incident transition (`INCIDENT_TOPIC`); subscribe with `required: false` (e.g. the notifier). */
  incidents: MemoryBus<IncidentMessage>;
  /** The incident engine's runtime; undefined when incidents or detection are off. */
  incidentRuntime: IncidentRuntime | undefined;
  /** Puts an anomaly found outside the runner (e.g. a new log pattern) on the live stream. */
  publish(message: AnomalyMessage): void;
  /** Calls the listener with every anomaly and incident event from now on (as the SSE stream sees them) until the returned function is called. */
  watch(listener: DetectionListener): () => void;
  /** Lets the runner catch up with what ingest accepted, then checkpoints and stops it. */
  close(): Promise<void>;
}

/**
 * Embedded wiring of detection: the runner reads the ingest bus, anomalies travel on
 * their own in-process bus to the SSE hub. The hub stays up when detection is off (the
 * stream is then quiet).
 */
export async function startDetection(config: FlatConfig, deps: { store: Store; bus: MemoryBus<IngestEnvelope>; logger: Logger }): Promise<Detection> {
  const hub = new SseHub({ heartbeatMs: config['server.sseHeartbeatSeconds'] * 1000, maxBufferedEvents: config['server.sseMaxBufferedEvents'] });
  const anomalies = new MemoryBus<AnomalyMessage>({ maxQueuedMessages: 10_000, lingerMs: 0 });
  const listeners = new Set<DetectionListener>();
  const hubSubscription: Subscription = await anomalies.subscribe({
    topic: ANOMALY_TOPIC,
    groupId: 'sse',
    required: false,
    onBatch: async (messages) => {
      for (const m of messages) {
        hub.broadcast('anomaly', { type: m.value.type, ...anomalyView(m.value.anomaly) });
        for (const l of listeners) l.anomaly?.(m.value);
      }
    },
  });
  const publish = (message: AnomalyMessage) => {
    const { anomaly } = message;
    anomalies
      .publish(ANOMALY_TOPIC, [{ key: anomaly.seriesKey, id: `${anomaly.id}/${anomaly.updatedAtMs}`, value: message }])
      .catch((err) => deps.logger.warn({ err: (err as Error).message }, 'anomaly not published'));
  };
  const correlation = new PatternCorrelation(deps.store, publish, deps.logger);
  const correlationSubscription: Subscription = await anomalies.subscribe({
    topic: ANOMALY_TOPIC,
    groupId: 'pattern-correlation',
    required: false,
    onBatch: (messages) => correlation.onAnomalies(messages.map((m) => m.value)),
  });
  const incidents = new MemoryBus<IncidentMessage>({ maxQueuedMessages: 10_000, lingerMs: 0 });
  const incidentHubSubscription: Subscription = await incidents.subscribe({
    topic: INCIDENT_TOPIC,
    groupId: 'sse',
    required: false,
    onBatch: async (messages) => {
      for (const m of messages) {
        hub.broadcast('incident', { transition: m.value.transition, ...incidentView(m.value.incident) });
        for (const l of listeners) l.incident?.(m.value);
      }
    },
  });
  let incidentRuntime: IncidentRuntime | undefined;
  if (config['detect.enabled'] && config['incidents.enabled']) {
    incidentRuntime = new IncidentRuntime(
      { store: deps.store, logger: deps.logger, anomalies, ingest: deps.bus, incidents },
      { ...incidentEngineOptions(config), topologyRefreshMs: config['incidents.topologyRefreshSeconds'] * 1000 },
    );
    await incidentRuntime.start();
  }
  let runner: DetectorRunner | undefined;
  if (config['detect.enabled']) {
    runner = new DetectorRunner({ store: deps.store, ingest: deps.bus, ingestTopics: DETECTED_TOPICS, anomalies, logger: deps.logger }, runnerOptions(config));
    await runner.start();
  }
  return {
    hub,
    runner,
    incidents,
    incidentRuntime,
    publish,
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await waitForDrain(deps.bus, 10_000);
      await runner?.close();
      await waitForDrain(anomalies, 5_000);
      await incidentRuntime?.close();
      await incidentHubSubscription.stop();
      await incidents.close();
      await hubSubscription.stop();
      await correlationSubscription.stop();
      await anomalies.close();
      hub.close();
    },
  };
}

/** Waits (bounded) until every group, the detectors included, has processed what is queued. */
async function waitForDrain(bus: MemoryBus<IngestEnvelope> | MemoryBus<AnomalyMessage>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (bus.depth().messages > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
