import { queries, type Store } from '../analytics/index.js';
import { IForestStream, parseIForestModel } from '../detectors/offline/index.js';
import type { AnomalyMessage } from '../detectors/runner/index.js';
import type { FlatConfig } from './config/schema.js';
import type { Logger } from './logger.js';

const MINUTE_MS = 60_000;
/** On start (or a new model), minutes this far behind the newest closed one are scored first. */
const START_LOOKBACK_MS = 60 * MINUTE_MS;

export interface IForestScoringOptions {
  modelName: string;
  threshold: number;
  quietPoints: number;
  intervalMs: number;
  lagMs: number;
}

export function iforestScoringOptions(config: FlatConfig): IForestScoringOptions {
  return {
    modelName: config['offline.iforest.model'],
    threshold: config['offline.iforest.threshold'],
    quietPoints: config['detect.quietPoints'],
    intervalMs: config['offline.iforest.intervalSeconds'] * 1000,
    lagMs: config['offline.iforest.lagMinutes'] * MINUTE_MS,
  };
}

/**
 * The iforest detector on live data: every interval it reads the minutes closed since the
 * last tick (event time: the newest rollup minute less the lag) from the model's dataset,
 * scores them with the active model and stores and publishes the anomalies like any
 * detector's. Idle (one cheap query) until a model is trained; a newer model is picked up
 * at the next tick. Best effort: a failed tick is logged and retried at the next.
 */
export class IForestScoring {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stream?: IForestStream;
  private dataset?: queries.Dataset;
  /** Minutes before this were the model's training data: scoring them tells nothing. */
  private trainedUntilMs = 0;
  private modelVersion = 0;
  private scoredUntilMs = 0;
  private lastUpdatedAtMs = 0;

  constructor(
    private readonly store: Store,
    private readonly publish: (message: AnomalyMessage) => void,
    private readonly logger: Logger,
    private readonly options: IForestScoringOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One pass (also what the timer runs); concurrent calls share the pass in flight. */
  tick(): Promise<void> {
    this.running ??= this.pass()
      .catch((err) => this.logger.warn({ err: (err as Error).message }, 'iforest scoring pass failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async pass(): Promise<void> {
    const version = await queries.detectorModelVersion(this.store, this.options.modelName);
    if (version === 0) return;
    if (version !== this.modelVersion) await this.load(version);
    if (!this.stream || !this.dataset) return;
    const closedMs = (await queries.rollupLatestMinuteMs(this.store)) - this.options.lagMs;
    if (closedMs <= 0) return;
    const sinceMs = this.scoredUntilMs > 0 ? this.scoredUntilMs : Math.max(this.trainedUntilMs, closedMs - START_LOOKBACK_MS);
    const untilMs = closedMs + MINUTE_MS;
    if (untilMs <= sinceMs) return;
    const rows = await queries.datasetFeatureRows(this.store, this.dataset, this.stream.model.features, { sinceMs, untilMs });
    const { events } = this.stream.process(rows);
    const records = events.map((e) => ({ type: e.type, anomaly: { ...e.anomaly, updatedAtMs: this.nextUpdatedAt() } }));
    await queries.insertAnomalies(this.store, records.map((r) => r.anomaly));
    for (const r of records) this.publish(r);
    this.scoredUntilMs = untilMs;
  }

  private async load(version: number): Promise<void> {
    const record = await queries.activeDetectorModel(this.store, this.options.modelName);
    this.modelVersion = version;
    const dataset = record && queries.findDataset(record.dataset);
    if (!record || !dataset || record.kind !== 'iforest') {
      this.logger.warn({ model: this.options.modelName, kind: record?.kind, dataset: record?.dataset }, 'model is not an iforest model over a known dataset; not scoring');
      this.stream = undefined;
      return;
    }
    this.stream = new IForestStream(parseIForestModel(record.model), { threshold: this.options.threshold, quietPoints: this.options.quietPoints, modelName: record.name });
    this.dataset = dataset;
    this.trainedUntilMs = record.trainedUntilMs;
    this.logger.info({ model: record.name, services: Object.keys(this.stream.model.services).length, features: record.features }, 'iforest model loaded');
  }

  /** Strictly increasing versions, so each rewrite of an anomaly wins over the last. */
  private nextUpdatedAt(): number {
    this.lastUpdatedAtMs = Math.max(Date.now(), this.lastUpdatedAtMs + 1);
    return this.lastUpdatedAtMs;
  }
}
