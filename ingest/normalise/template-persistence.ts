import { queries, type Store } from '../../analytics/index.js';
import { TemplateMiner, type MinerOptions, type MinerSnapshot } from '../../detectors/logs/index.js';
import type { Logger } from '../../api/logger.js';
import type { LogTemplateMergeRow, LogTemplateRow } from '../rows.js';
import { LOG_TEMPLATE_STAGE_DEFAULTS, LogTemplateStage, type LogTemplateStageOptions } from './log-templates.js';

export interface TemplatePersistenceOptions {
  flushIntervalMs: number;
  snapshotIntervalMs: number;
}

/**
 * Where the miner's knowledge goes. Embedded: straight into the store, with the miner's
 * state saved and restored. A Kafka gateway: template rows travel on the bus to the
 * writers like any other rows (no state: a restarted gateway relearns, and because an id
 * is a hash of the template text it hands out the same ids again).
 */
export interface TemplateSink {
  write(templates: LogTemplateRow[], merges: LogTemplateMergeRow[]): Promise<void>;
  saveState?(snapshot: string): Promise<void>;
  loadState?(): Promise<string | undefined>;
}

const STATE_NAME = 'default';

export function storeTemplateSink(store: Store): TemplateSink {
  return {
    async write(templates, merges) {
      await queries.insertTemplateDeltas(store, templates);
      await queries.insertTemplateMerges(store, merges);
    },
    saveState: (snapshot) => queries.saveMinerState(store, STATE_NAME, snapshot),
    loadState: () => queries.loadMinerState(store, STATE_NAME),
  };
}

/**
 * Flushes template deltas and merges every few seconds, and (when the sink keeps state)
 * snapshots the miner every minute and on close, restoring it at start so template ids
 * stay the same across restarts.
 */
export class TemplatePersistence {
  private flushTimer?: NodeJS.Timeout;
  private snapshotTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly sink: TemplateSink,
    readonly stage: LogTemplateStage,
    private readonly logger: Logger,
  ) {}

  static async open(
    sink: TemplateSink,
    logger: Logger,
    options: TemplatePersistenceOptions,
    stageOptions: Partial<LogTemplateStageOptions> = {},
    minerOptions: Partial<MinerOptions> = {},
  ): Promise<TemplatePersistence> {
    const saved = await sink.loadState?.();
    let miner: TemplateMiner;
    if (saved) {
      miner = TemplateMiner.restore(JSON.parse(saved) as MinerSnapshot);
      logger.info({ templates: miner.stats().templates }, 'log template miner restored');
    } else {
      miner = new TemplateMiner(minerOptions);
    }
    const stage = new LogTemplateStage(miner, { ...LOG_TEMPLATE_STAGE_DEFAULTS, ...stageOptions });
    const persistence = new TemplatePersistence(sink, stage, logger);
    persistence.flushTimer = setInterval(() => void persistence.flush(), options.flushIntervalMs).unref();
    if (sink.saveState) persistence.snapshotTimer = setInterval(() => void persistence.snapshot(), options.snapshotIntervalMs).unref();
    return persistence;
  }

  /** Writes the deltas gathered since the last flush. Failures are logged (that interval's counts are lost; rows keep their ids). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const { templates, merges } = this.stage.drain();
      if (templates.length === 0 && merges.length === 0) return;
      try {
        await this.sink.write(templates, merges);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, templates: templates.length }, 'template flush failed; counts of this interval are lost, rows keep their ids');
      }
    });
    return this.flushing;
  }

  async snapshot(): Promise<void> {
    if (!this.sink.saveState) return;
    try {
      await this.sink.saveState(JSON.stringify(this.stage.miner.snapshot()));
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'template miner snapshot failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.snapshotTimer);
    await this.flush();
    await this.snapshot();
  }
}
