import { queries, type Store } from '../../analytics/index.js';
import { TemplateMiner, type MinerOptions, type MinerSnapshot } from '../../detectors/logs/index.js';
import type { Logger } from '../../api/logger.js';
import { LOG_TEMPLATE_STAGE_DEFAULTS, LogTemplateStage, type LogTemplateStageOptions } from './log-templates.js';

export interface TemplatePersistenceOptions {
  flushIntervalMs: number;
  snapshotIntervalMs: number;
}

const STATE_NAME = 'default';

/**
 * Keeps the template miner's knowledge in the store: template deltas and merges are
 * flushed every few seconds, and the miner's state is snapshotted every minute and on
 * close, then restored at start so template ids stay the same across restarts.
 */
export class TemplatePersistence {
  private flushTimer?: NodeJS.Timeout;
  private snapshotTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    readonly stage: LogTemplateStage,
    private readonly logger: Logger,
    private readonly options: TemplatePersistenceOptions,
  ) {}

  static async open(
    store: Store,
    logger: Logger,
    options: TemplatePersistenceOptions,
    stageOptions: Partial<LogTemplateStageOptions> = {},
    minerOptions: Partial<MinerOptions> = {},
  ): Promise<TemplatePersistence> {
    const saved = await queries.loadMinerState(store, STATE_NAME);
    let miner: TemplateMiner;
    if (saved) {
      miner = TemplateMiner.restore(JSON.parse(saved) as MinerSnapshot);
      logger.info({ templates: miner.stats().templates }, 'log template miner restored');
    } else {
      miner = new TemplateMiner(minerOptions);
    }
    const stage = new LogTemplateStage(miner, { ...LOG_TEMPLATE_STAGE_DEFAULTS, ...stageOptions });
    const persistence = new TemplatePersistence(store, stage, logger, options);
    persistence.flushTimer = setInterval(() => void persistence.flush(), options.flushIntervalMs).unref();
    persistence.snapshotTimer = setInterval(() => void persistence.snapshot(), options.snapshotIntervalMs).unref();
    return persistence;
  }

  /** Writes the deltas gathered since the last flush. Failures are logged and retried with the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const { templates, merges } = this.stage.drain();
      try {
        await queries.insertTemplateDeltas(this.store, templates);
        await queries.insertTemplateMerges(this.store, merges);
      } catch (err) {
        this.logger.warn({ err, templates: templates.length }, 'template flush failed; counts of this interval are lost, rows keep their ids');
      }
    });
    return this.flushing;
  }

  async snapshot(): Promise<void> {
    try {
      await queries.saveMinerState(this.store, STATE_NAME, JSON.stringify(this.stage.miner.snapshot()));
    } catch (err) {
      this.logger.warn({ err }, 'template miner snapshot failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.snapshotTimer);
    await this.flush();
    await this.snapshot();
  }
}
