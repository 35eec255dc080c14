import { randomUUID } from 'node:crypto';
import { queries, type Store } from '../../analytics/index.js';
import type { AnomalyRecord, DetectorStateRecord, ScoreRecord } from '../../analytics/queries/anomalies.js';
import { rowsOfEnvelope, type Bus, type IngestEnvelope, type SubscribeOptions, type Subscription } from '../../ingest/index.js';
import { MinuteBucketer, type BucketerOptions } from './bucketer.js';
import { DetectionCore, type AnomalyEvent, type CoreOptions, type StateSnapshot } from './core.js';
import { observeRows } from './extract.js';
import type { SeriesPoint } from './series.js';

/**
 * The live detection runner: reads ingest batches off the bus (a group that never holds
 * back ingest acks), turns them into per-minute series points in event time, scores them
 * (DetectionCore), and persists in the background: scores, anomalies and detector
 * snapshots are batched into the store; anomaly events go out on the bus at once.
 * Everything here is I/O and scheduling; the logic is in the pure modules beside it.
 */
export const ANOMALY_TOPIC = 'vigil.anomalies';
export const DETECTOR_GROUP = 'detectors';
const STATES_PER_INSERT = 64;

export interface AnomalyMessage {
  type: AnomalyEvent['type'];
  anomaly: AnomalyRecord;
}

export interface RunnerOptions {
  core: CoreOptions;
  lagMs: number;
  /** How often changed detector states are checkpointed to the store. */
  snapshotIntervalMs: number;
  /** How often buffered scores and anomalies are written. */
  flushIntervalMs: number;
  /** Buffered rows past which a write starts at once; four times this and the oldest scores are dropped. */
  maxBufferedRows: number;
  /** Early scoring of minutes still open (see MinuteBucketer); absent: anomalies wait for the minute to close. */
  early?: BucketerOptions['early'];
}

export interface RunnerDeps {
  store: Store;
  /** The ingest bus; `required: false` is honoured by the in-process bus. */
  ingest: { subscribe(options: SubscribeOptions<IngestEnvelope> & { required?: boolean }): Promise<Subscription> };
  ingestTopics: string[];
  anomalies?: Pick<Bus<AnomalyMessage>, 'publish'>;
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

export interface RunnerStats {
  seriesInMemory: number;
  restoredSeries: number;
  lateObservations: number;
  stalePoints: number;
  droppedScores: number;
}

export class DetectorRunner {
  private readonly core: DetectionCore;
  private readonly bucketer: MinuteBucketer;
  private subscriptions: Subscription[] = [];
  private timers: NodeJS.Timeout[] = [];
  /** One batch at a time: the core and bucketer are not re-entrant across awaits. */
  private chain: Promise<void> = Promise.resolve();
  private scores: ScoreRecord[] = [];
  /** Closed minutes waiting for their series' states (the store did not answer the restore). */
  private waiting: SeriesPoint[] = [];
  private anomalies = new Map<string, AnomalyRecord>();
  /** Snapshots not yet written; also read back when an evicted series returns before the write. */
  private states = new Map<string, StateSnapshot>();
  private flushing: Promise<void> | undefined;
  private lastUpdatedAtMs = 0;
  private droppedScores = 0;
  private closed = false;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly options: RunnerOptions,
  ) {
    this.core = new DetectionCore(options.core);
    // Sources (counters, span names …) outnumber series a little; bound them alike.
    this.bucketer = new MinuteBucketer({ lagMs: options.lagMs, maxSources: options.core.maxSeries * 2, early: options.early, silentZeroMinutes: options.core.maxGapMinutes });
  }

  async start(): Promise<void> {
    for (const topic of this.deps.ingestTopics) {
      this.subscriptions.push(
        await this.deps.ingest.subscribe({ topic, groupId: DETECTOR_GROUP, required: false, onBatch: (messages) => this.serial(() => this.onBatch(messages.map((m) => m.value))) }),
      );
    }
    this.timers.push(setInterval(() => void this.flush(), this.options.flushIntervalMs).unref());
    this.timers.push(
      setInterval(() => {
        for (const s of this.core.dirtySnapshots()) this.states.set(s.key, s);
        void this.flush();
      }, this.options.snapshotIntervalMs).unref(),
    );
  }

  stats(): RunnerStats {
    return {
      seriesInMemory: this.core.seriesInMemory,
      restoredSeries: this.core.restoredSeries,
      lateObservations: this.bucketer.lateDropped,
      stalePoints: this.core.stalePoints,
      droppedScores: this.droppedScores,
    };
  }

  /** Stops reading, closes every open minute, checkpoints every state and writes everything. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const s of this.subscriptions) await s.stop();
    await this.serial(async () => {
      try {
        await this.detect(this.bucketer.flush());
      } catch (err) {
        this.deps.logger.error({ err }, 'detector runner: last minutes not scored at shutdown');
      }
      for (const s of this.core.dirtySnapshots()) this.states.set(s.key, s);
    });
    await this.flush();
    if (this.scores.length + this.anomalies.size + this.states.size > 0) await this.flush(); // one retry
  }

  /** Writes what is buffered (one write at a time; a failed write keeps its rows for the next). */
  flush(): Promise<void> {
    return (this.flushing ??= this.write().finally(() => (this.flushing = undefined)));
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work, work);
    this.chain = run.catch(() => {});
    return run;
  }

  private async onBatch(envelopes: IngestEnvelope[]): Promise<void> {
    try {
      for (const envelope of envelopes) {
        for (const obs of observeRows(rowsOfEnvelope(envelope, (table) => table.startsWith('otel_')))) this.bucketer.add(obs);
      }
      await this.detect(this.bucketer.drain());
      const provisional = this.bucketer.provisional();
      if (provisional.length > 0) this.emit(this.core.peek(provisional));
    } catch (err) {
      // Never fail the batch: a redelivery would count its observations twice.
      this.deps.logger.error({ err }, 'detector runner: batch failed');
    }
  }

  private async detect(closed: SeriesPoint[]): Promise<void> {
    const points = this.waiting.length > 0 ? [...this.waiting.splice(0), ...closed] : closed;
    // A chunk never holds more series than memory does, or restoring one would evict another of it.
    for (const [from, to] of chunksOfDistinctKeys(points, this.options.core.maxSeries)) {
      const chunk = points.slice(from, to);
      try {
        await this.restore(chunk);
      } catch (err) {
        // Scoring without the stored state would relearn the series: wait for the store instead.
        this.waiting = points.slice(from).slice(-this.options.maxBufferedRows);
        throw err;
      }
      this.score(chunk);
    }
  }

  private score(points: SeriesPoint[]): void {
    const out = this.core.process(points);
    for (const s of out.evicted) this.states.set(s.key, s);
    this.bufferScores(out.scores);
    this.emit(out.events);
    if (this.scores.length + this.anomalies.size + this.states.size >= this.options.maxBufferedRows) void this.flush();
  }

  private emit(events: readonly AnomalyEvent[]): void {
    for (const event of events) {
      const record: AnomalyRecord = { ...event.anomaly, updatedAtMs: this.nextUpdatedAt() };
      this.anomalies.set(record.id, record);
      this.publish({ type: event.type, anomaly: record });
    }
  }

  /** Brings the states of series not in memory back: unwritten snapshots first, then the store. */
  private async restore(points: SeriesPoint[]): Promise<void> {
    const missing = this.core.missingKeys(points);
    if (missing.length === 0) return;
    const ids = new Map(points.map((p) => [p.key, p.id]));
    const fromStore = missing.filter((k) => !this.states.has(k));
    const stored = await queries.loadDetectorStates(this.deps.store, fromStore, this.options.core.detector);
    for (const key of missing) this.core.adopt(key, ids.get(key)!, this.states.get(key)?.snapshot ?? stored.get(key)?.snapshot);
    for (const s of this.core.takeEvicted()) this.states.set(s.key, s);
  }

  private bufferScores(scores: ScoreRecord[]): void {
    for (const s of scores) this.scores.push(s);
    const cap = this.options.maxBufferedRows * 4;
    if (this.scores.length > cap) {
      // The store is not keeping up: drop the oldest chart points, never anomalies or states.
      this.droppedScores += this.scores.length - cap;
      this.scores.splice(0, this.scores.length - cap);
    }
  }

  private publish(message: AnomalyMessage): void {
    const bus = this.deps.anomalies;
    if (!bus) return;
    const { anomaly } = message;
    bus.publish(ANOMALY_TOPIC, [{ key: anomaly.seriesKey, id: `${anomaly.id}/${anomaly.updatedAtMs}`, value: message }]).catch((err) => {
      // Live listeners are best effort; the store keeps the anomaly.
      this.deps.logger.warn({ err: (err as Error).message }, 'detector runner: anomaly not published');
    });
  }

  private async write(): Promise<void> {
    const scores = this.scores;
    const anomalies = [...this.anomalies.values()];
    const states = [...this.states.values()];
    this.scores = [];
    this.anomalies = new Map();
    const token = randomUUID();
    const { store } = this.deps;
    try {
      await queries.insertAnomalies(store, anomalies, `${token}/a`);
    } catch (err) {
      for (const a of anomalies) if (!this.anomalies.has(a.id)) this.anomalies.set(a.id, a);
      this.deps.logger.error({ err }, 'detector runner: anomalies not written, will retry');
    }
    try {
      await queries.insertSeriesScores(store, scores, `${token}/s`);
    } catch (err) {
      this.bufferScores([...scores, ...this.scores.splice(0)]);
      this.deps.logger.error({ err }, 'detector runner: scores not written, will retry');
    }
    if (states.length === 0) return;
    try {
      const updatedAtMs = this.nextUpdatedAt();
      const rows: DetectorStateRecord[] = states.map((s) => ({ ...s, updatedAtMs }));
      // Snapshots run to hundreds of KB each: bounded inserts keep the request size in check.
      for (let i = 0; i < rows.length; i += STATES_PER_INSERT) await queries.insertDetectorStates(store, rows.slice(i, i + STATES_PER_INSERT), `${token}/d${i}`);
      // Keep what changed while writing: a newer snapshot of the same series.
      for (const s of states) if (this.states.get(s.key) === s) this.states.delete(s.key);
    } catch (err) {
      this.deps.logger.error({ err }, 'detector runner: detector states not written, will retry');
    }
  }

  private nextUpdatedAt(): number {
    this.lastUpdatedAtMs = Math.max(Date.now(), this.lastUpdatedAtMs + 1);
    return this.lastUpdatedAtMs;
  }
}

/** [from, to) ranges of consecutive points, each with at most `maxKeys` distinct series. */
function chunksOfDistinctKeys(points: readonly SeriesPoint[], maxKeys: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  let keys = new Set<string>();
  for (let i = 0; i < points.length; i++) {
    if (!keys.has(points[i].key) && keys.size >= maxKeys) {
      ranges.push([start, i]);
      start = i;
      keys = new Set();
    }
    keys.add(points[i].key);
  }
  if (start < points.length) ranges.push([start, points.length]);
  return ranges;
}
