import { queries, type Store } from '../analytics/index.js';
import { NewPatternPolicy, type NewPatternOptions } from '../detectors/logs/index.js';
import { anomalyId, type AnomalyMessage } from '../detectors/runner/index.js';
import type { LogRow, NewTemplate } from '../ingest/index.js';
import type { Logger } from './logger.js';

/**
 * Turns log templates seen for the first time into anomalies (signal `log_pattern_new`),
 * stored like the detectors' anomalies and published on the same live stream. The ingest
 * request never waits for this: the rows are already stamped, the anomaly write is
 * asynchronous and best effort (a failure is logged).
 */
export class PatternAnomalies {
  private readonly policy: NewPatternPolicy;
  private lastUpdatedAtMs = 0;

  constructor(
    private readonly store: Store,
    private readonly publish: (message: AnomalyMessage) => void,
    private readonly logger: Logger,
    private readonly threshold: number,
    options?: NewPatternOptions,
  ) {
    this.policy = new NewPatternPolicy(options);
  }

  onLogs(rows: LogRow[], created: NewTemplate[]): void {
    for (const row of rows) this.policy.observe(row.ServiceName, nanoTimeMs(row.Timestamp));
    const records: queries.AnomalyRecord[] = [];
    for (const t of created) {
      const timeMs = nanoTimeMs(t.time);
      const verdict = this.policy.judge(t.serviceName, timeMs, t.severityNumber, t.severityText);
      if (!verdict || verdict.score < this.threshold) continue;
      const seriesKey = ['log_pattern_new', t.serviceName, t.templateId, 'count'].map(encodeURIComponent).join(':');
      records.push({
        id: anomalyId(seriesKey, timeMs),
        seriesKey,
        signal: 'log_pattern_new',
        service: t.serviceName,
        name: t.template,
        stat: 'count',
        attributes: { templateId: t.templateId, severity: t.severityText, sample: t.sample.slice(0, 512) },
        startMs: timeMs,
        endMs: timeMs,
        peakScore: verdict.score,
        peakMs: timeMs,
        expected: 0,
        actual: 1,
        lower: 0,
        upper: 0,
        detector: 'new-pattern',
        status: 'closed',
        updatedAtMs: this.nextUpdatedAt(),
      });
    }
    if (records.length === 0) return;
    queries.insertAnomalies(this.store, records).then(
      () => {
        for (const anomaly of records) this.publish({ type: 'open', anomaly });
      },
      (err) => this.logger.warn({ err: (err as Error).message, count: records.length }, 'new-pattern anomalies not stored'),
    );
  }

  /** Strictly increasing, so a replacing row always wins. */
  private nextUpdatedAt(): number {
    this.lastUpdatedAtMs = Math.max(Date.now(), this.lastUpdatedAtMs + 1);
    return this.lastUpdatedAtMs;
  }
}

/** Milliseconds from NanoTime text (`<seconds>.<9 digits>`). */
function nanoTimeMs(t: string): number {
  const dot = t.indexOf('.');
  return Number(t.slice(0, dot)) * 1000 + Math.floor(Number(t.slice(dot + 1, dot + 4)));
}
