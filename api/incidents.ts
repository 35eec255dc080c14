import { queries, type Store } from '../analytics/index.js';
import {
  EventClock,
  IncidentEngine,
  INCIDENT_TOPIC,
  toChange,
  type EngineInput,
  type EngineOptions,
  type EngineOutput,
  type Incident,
  type IncidentCommand,
  type IncidentMessage,
  type TimelineEntry,
  type TopologyEdge,
  type TrackedSnapshot,
} from '../detectors/incidents/index.js';
import { ANOMALY_TOPIC, type AnomalyMessage } from '../detectors/runner/index.js';
import { rowsOfEnvelope, TOPICS, type Bus, type IngestEnvelope, type SubscribeOptions, type Subscription, type TableRows } from '../ingest/index.js';
import type { FlatConfig } from './config/schema.js';
import { VigilError } from './errors.js';
import type { Logger } from './logger.js';

/**
 * The incident engine's runtime (embedded mode, and the detector role over Kafka): feeds it anomalies (the anomaly bus),
 * event time and changes (the ingest bus), the call graph (the service map, re-read every
 * `incidents.topologyRefreshSeconds`) and user actions; publishes every transition on
 * `INCIDENT_TOPIC` at once (the SSE hub and the notifier subscribe) and writes incidents
 * and timelines to the store in the background. Open incidents are reloaded at start.
 * Processes without the engine send ack/resolve as incident commands (`applyCommand`).
 */
const TOPOLOGY_WINDOW_MS = 15 * 60_000;
/** Changes stored up to this far ahead of event time are read at start (senders' clocks differ a little). */
const MAX_FUTURE_MS = 5 * 60_000;
const FLUSH_RETRY_MS = 1_000;
const MIN_TOPOLOGY_INTERVAL_MS = 2_000;
/** Applied command ids kept in memory (and reloaded from the timeline at start) to drop redeliveries. */
const MAX_REMEMBERED_COMMANDS = 10_000;

export function incidentEngineOptions(config: FlatConfig): EngineOptions {
  return {
    settleMs: config['incidents.settleSeconds'] * 1000,
    groupWindowMs: config['incidents.groupWindowMinutes'] * 60_000,
    maxHops: config['incidents.maxHops'],
    quietMs: config['incidents.quietMinutes'] * 60_000,
    reopenWindowMs: config['incidents.reopenWindowMinutes'] * 60_000,
    changeLookbackMs: config['incidents.changeLookbackMinutes'] * 60_000,
    minScore: config['incidents.minScore'],
  };
}

/** A bus to read from: the in-process bus (which honours `required: false`) or Kafka topics. */
export interface Subscribable<T> {
  subscribe(options: SubscribeOptions<T> & { required?: boolean }): Promise<Subscription>;
}

export interface IncidentRuntimeDeps {
  store: Store;
  logger: Logger;
  anomalies: Subscribable<AnomalyMessage>;
  ingest: Subscribable<IngestEnvelope>;
  incidents: Pick<Bus<IncidentMessage>, 'publish'>;
}

export class IncidentRuntime {
  private readonly engine: IncidentEngine;
  /** Event time for ticks: where most services stand, not the one furthest ahead (see EventClock). */
  private readonly clock = new EventClock();
  private subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Inputs are applied one at a time, in arrival order. */
  private chain: Promise<unknown> = Promise.resolve();
  private rows: Array<{ incident: Incident; engineState: string }> = [];
  private timeline: TimelineEntry[] = [];
  private flushing: Promise<void> | undefined;
  private topologyAtWallMs = 0;
  private topologyQuery: Promise<void> | undefined;
  private topologyAtEventMs = 0;
  private changesLoaded = false;
  /** Insertion-ordered, so the oldest is forgotten first. */
  private readonly appliedCommands = new Set<string>();

  constructor(
    private readonly deps: IncidentRuntimeDeps,
    private readonly options: EngineOptions & { topologyRefreshMs: number },
  ) {
    this.engine = new IncidentEngine(options);
  }

  async start(): Promise<void> {
    const states = await queries.loadIncidentStates(this.deps.store, this.options.reopenWindowMs);
    const snapshots = states.flatMap((s) => {
      try {
        const snapshot = JSON.parse(s) as TrackedSnapshot;
        return snapshot?.incident ? [snapshot] : [];
      } catch {
        return [];
      }
    });
    if (snapshots.length > 0) {
      this.engine.restore(snapshots);
      this.deps.logger.info({ incidents: snapshots.length }, 'incidents restored');
    }
    for (const id of (await queries.appliedIncidentCommands(this.deps.store, MAX_REMEMBERED_COMMANDS)).reverse()) this.rememberCommand(id);
    this.subscriptions.push(
      await this.deps.anomalies.subscribe({
        topic: ANOMALY_TOPIC,
        groupId: 'incidents',
        required: false,
        onBatch: (messages) => this.serial(() => this.onAnomalies(messages.map((m) => m.value))),
      }),
    );
    for (const topic of [TOPICS.traces, TOPICS.logs, TOPICS.metrics, TOPICS.events]) {
      this.subscriptions.push(
        await this.deps.ingest.subscribe({ topic, groupId: 'incidents', required: false, onBatch: (messages) => this.serial(() => this.onIngest(messages.map((m) => m.value))) }),
      );
    }
    this.timer = setInterval(() => {
      this.refreshTopology();
      if (this.rows.length + this.timeline.length > 0) void this.flush();
    }, Math.min(this.options.topologyRefreshMs, FLUSH_RETRY_MS * 5)).unref();
  }

  /** Incidents the engine tracks (open, acknowledged, recently resolved). */
  live(): Incident[] {
    return this.engine.incidents();
  }

  ack(id: string, by: string, note?: string): Promise<Incident> {
    return this.userAction({ action: 'ack', incidentId: id, by, note });
  }

  resolve(id: string, by: string, note?: string): Promise<Incident> {
    return this.userAction({ action: 'resolve', incidentId: id, by, note });
  }

  /**
   * Applies an incident command sent by a process without the engine (the api role) through the
   * same path as `ack`/`resolve` here: timeline entry (carrying the command id and note), transition on
   * `INCIDENT_TOPIC` (carrying the command id), store write. Once per command id, also across
   * restarts (the ids are read back from the timeline). A refused command (unknown incident, ack
   * of a resolved one) is logged, not thrown: delivered again it would be refused again.
   */
  async applyCommand(command: IncidentCommand): Promise<void> {
    const out = await this.serial(async () => {
      if (this.appliedCommands.has(command.id)) return undefined;
      this.rememberCommand(command.id);
      return this.apply({ kind: command.action, incidentId: command.incidentId, by: command.by, atMs: Date.now() }, command);
    });
    if (!out) {
      this.deps.logger.info({ command: command.id, incident: command.incidentId }, 'incident command already applied');
      return;
    }
    if (out.action && 'error' in out.action) {
      this.deps.logger.warn({ command: command.id, incident: command.incidentId, action: command.action, by: command.by, reason: out.action.message }, 'incident command refused');
    }
    await this.flush(); // the command's offset is committed once its effect is written
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const s of this.subscriptions) await s.stop();
    await this.topologyQuery;
    await this.chain.catch(() => {});
    await this.flush();
  }

  private async userAction(request: UserAction): Promise<Incident> {
    const out = await this.serial(async () => this.apply({ kind: request.action, incidentId: request.incidentId, by: request.by, atMs: Date.now() }, request));
    const action = out.action;
    if (!action) throw new VigilError('INTERNAL', 'incident engine gave no answer');
    if ('error' in action) throw new VigilError(action.error === 'not-found' ? 'API_NOT_FOUND' : 'INCIDENT_INVALID_TRANSITION', action.message);
    await this.flush(); // a GET right after the answer sees the change
    return action.incident;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.then(work, work);
    this.chain = run.catch((err) => this.deps.logger.warn({ err: (err as Error).message }, 'incident engine input failed'));
    return run;
  }

  private async onAnomalies(messages: AnomalyMessage[]): Promise<void> {
    const opens = messages.filter((m) => m.type === 'open');
    if (opens.length > 0) await this.topologyForAnomalies(Math.max(this.engine.eventTimeMs, ...opens.map((m) => m.anomaly.startMs)));
    for (const { type, anomaly } of messages) this.apply({ kind: 'anomaly', type, anomaly, atMs: Date.now() });
  }

  private async onIngest(envelopes: IngestEnvelope[]): Promise<void> {
    let seen = false;
    for (const envelope of envelopes) {
      const rows = rowsOfEnvelope(envelope);
      const latest = latestEventMsByService(rows);
      if (latest.size > 0) {
        this.clock.observe(latest);
        seen = true;
      }
      for (const e of rows.events ?? []) {
        const change = toChange({ source: e.Source, id: e.Id, type: e.Type, service: e.ServiceName, timeMs: msOf(e.Time), data: e.Data });
        if (change) this.apply({ kind: 'change', change, atMs: Date.now() });
      }
    }
    const nowMs = this.clock.nowMs();
    if (seen && nowMs !== undefined) {
      await this.loadChanges(nowMs);
      this.refreshTopology(nowMs);
      this.apply({ kind: 'tick', eventTimeMs: nowMs, atMs: Date.now() });
    }
  }

  /** Changes stored before this process started reading the stream, once event time is known. */
  private async loadChanges(eventMs: number): Promise<void> {
    if (this.changesLoaded) return;
    this.changesLoaded = true;
    const sinceMs = eventMs - this.options.changeLookbackMs - this.options.groupWindowMs - this.options.reopenWindowMs;
    try {
      for (const e of await queries.serviceEvents(this.deps.store, { sinceMs, untilMs: eventMs + MAX_FUTURE_MS })) {
        const change = toChange(e);
        if (change) this.apply({ kind: 'change', change, atMs: Date.now() });
      }
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'stored changes not loaded');
    }
  }

  /**
   * Re-reads the call graph around the engine's event time, in the background, when the
   * wall clock or event time moved a refresh interval since the last read — at most once
   * per MIN_TOPOLOGY_INTERVAL_MS of wall time, since a fast replay moves event time quicker
   * than the query runs. Ticks never wait for it; its result is applied through the chain.
   */
  private refreshTopology(nextEventMs = this.engine.eventTimeMs): void {
    const eventMs = Math.max(nextEventMs, this.engine.eventTimeMs);
    if (eventMs <= 0 || this.topologyQuery) return;
    const sinceWallMs = Date.now() - this.topologyAtWallMs;
    const dueEvent = Math.abs(eventMs - this.topologyAtEventMs) >= this.options.topologyRefreshMs;
    if (sinceWallMs < this.options.topologyRefreshMs && !(dueEvent && sinceWallMs >= MIN_TOPOLOGY_INTERVAL_MS)) return;
    this.topologyQuery = this.readTopology(eventMs)
      .then((edges) => this.serial(async () => void this.apply({ kind: 'topology', edges, atMs: Date.now() })))
      .catch((err) => this.deps.logger.warn({ err: (err as Error).message }, 'service map not refreshed'))
      .finally(() => (this.topologyQuery = undefined));
  }

  /**
   * Before anomalies that may open incidents are applied, the call graph around them is
   * read afresh (they are related through it), unless event time has not moved since.
   */
  private async topologyForAnomalies(eventMs: number): Promise<void> {
    if (eventMs === this.topologyAtEventMs) return;
    try {
      const edges = await this.readTopology(eventMs);
      this.apply({ kind: 'topology', edges, atMs: Date.now() });
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'service map not refreshed');
    }
  }

  /** The call graph around `eventMs`; a failed read is retried by the next refresh. */
  private async readTopology(eventMs: number): Promise<TopologyEdge[]> {
    this.topologyAtWallMs = Date.now();
    const range = { sinceMs: eventMs - TOPOLOGY_WINDOW_MS, untilMs: eventMs + 60_000 };
    const [edges, peers] = await Promise.all([queries.serviceEdges(this.deps.store, range), queries.peerEdges(this.deps.store, range)]);
    this.topologyAtEventMs = eventMs;
    return [...edges, ...peers].map((e) => ({ caller: e.caller, callee: e.callee, calleeKind: e.calleeKind, spanNames: e.spanNames }));
  }

  private rememberCommand(id: string): void {
    this.appliedCommands.add(id);
    if (this.appliedCommands.size > MAX_REMEMBERED_COMMANDS) this.appliedCommands.delete(this.appliedCommands.values().next().value!);
  }

  private apply(input: EngineInput, action?: UserAction): EngineOutput {
    const out = this.engine.apply(input);
    if (action) markAction(out, action);
    for (const message of out.messages) {
      this.rows.push({ incident: message.incident, engineState: snapshotText(this.engine.snapshot(message.incident.id)) });
      this.deps.incidents
        .publish(INCIDENT_TOPIC, [{ key: message.incident.fingerprint, id: `${message.incident.id}/${message.incident.version}`, value: message }])
        .catch((err) => this.deps.logger.warn({ err: (err as Error).message }, 'incident transition not published'));
      this.deps.logger.info({ incident: message.incident.id, transition: message.transition, version: message.incident.version, rootService: message.incident.rootService }, 'incident');
    }
    this.timeline.push(...out.timeline);
    if (out.messages.length + out.timeline.length > 0) void this.flush();
    return out;
  }

  /** Writes what is buffered (one write at a time; a failed write keeps its rows for the next). */
  private flush(): Promise<void> {
    return (this.flushing ??= this.write().finally(() => (this.flushing = undefined)));
  }

  private async write(): Promise<void> {
    while (this.rows.length + this.timeline.length > 0) {
      const rows = this.rows.splice(0);
      const timeline = this.timeline.splice(0);
      try {
        await queries.insertIncidents(this.deps.store, rows);
        await queries.insertTimeline(this.deps.store, timeline);
      } catch (err) {
        this.rows.unshift(...rows);
        this.timeline.unshift(...timeline);
        this.deps.logger.warn({ err: (err as Error).message }, 'incidents not written; retrying');
        return;
      }
    }
  }
}

/** An ack or resolve by a person: here (`id` absent) or sent as an incident command. */
type UserAction = Pick<IncidentCommand, 'action' | 'incidentId' | 'by' | 'note'> & { id?: string };

/** Tags what a user action caused: its transition with the command id, its timeline entry with the command id and note. */
function markAction(out: EngineOutput, action: UserAction): void {
  const kind = action.action === 'ack' ? 'acknowledged' : 'resolved';
  for (const message of out.messages) if (action.id && message.incident.id === action.incidentId && message.transition === kind) message.commandId = action.id;
  for (const entry of out.timeline) {
    if (entry.incidentId !== action.incidentId || entry.kind !== kind || entry.ref !== action.by) continue;
    entry.attributes = { ...entry.attributes, ...(action.id ? { command: action.id } : {}), ...(action.note ? { note: action.note } : {}) };
  }
}

/** The latest event time of each service in a batch of rows (spans, logs, metric points, events). */
function latestEventMsByService(rows: Partial<TableRows>): Map<string, number> {
  const latest = new Map<string, number>();
  const scan = (list: ReadonlyArray<Record<string, unknown>> | undefined, column: string) => {
    for (const r of list ?? []) {
      const ms = secondsOf(r[column] as string) * 1000;
      const service = String(r.ServiceName ?? '');
      if (ms > (latest.get(service) ?? 0)) latest.set(service, ms);
    }
  };
  scan(rows.otel_traces as never, 'Timestamp');
  scan(rows.otel_logs as never, 'Timestamp');
  scan(rows.otel_metrics_gauge as never, 'TimeUnix');
  scan(rows.otel_metrics_sum as never, 'TimeUnix');
  scan(rows.otel_metrics_histogram as never, 'TimeUnix');
  scan(rows.events as never, 'Time');
  return latest;
}

function snapshotText(snapshot: TrackedSnapshot | undefined): string {
  return snapshot ? JSON.stringify(snapshot) : '';
}

/** Milliseconds of a NanoTime (`"<seconds>.<nanoseconds>"`). */
function msOf(text: string): number {
  const dot = text.indexOf('.');
  return secondsOf(text) * 1000 + (dot >= 0 ? Number(text.slice(dot + 1, dot + 4).padEnd(3, '0')) : 0);
}

/** Whole seconds of a NanoTime (`"<seconds>.<nanoseconds>"`); second precision is plenty for a watermark. */
function secondsOf(text: string | undefined): number {
  if (!text) return 0;
  const dot = text.indexOf('.');
  return Number(dot >= 0 ? text.slice(0, dot) : text) || 0;
}
