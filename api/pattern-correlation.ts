import { queries, type Store } from '../analytics/index.js';
import { correlatedPatterns, CORRELATION_DEFAULTS, severityScore, type CorrelationOptions } from '../detectors/logs/index.js';
import { anomalyId, type AnomalyMessage } from '../detectors/runner/index.js';
import type { Logger } from './logger.js';

/** Signals whose anomalies are looked at for accompanying error patterns. */
const CORRELATED_SIGNALS = new Set(['metric', 'span_rate', 'span_errors', 'span_latency']);
const MINUTE_MS = 60_000;
const WARN = 13;

/**
 * When a metric or trace anomaly opens, the warning-or-worse log patterns of the same
 * service that rose around its start become anomalies of their own (signal
 * `log_pattern_correlated`), pointing at the anomaly they accompany. Scored by severity
 * times the related anomaly's peak score; stored and published like every anomaly.
 */
export class PatternCorrelation {
  private lastUpdatedAtMs = 0;

  constructor(
    private readonly store: Store,
    private readonly publish: (message: AnomalyMessage) => void,
    private readonly logger: Logger,
    private readonly options: CorrelationOptions = CORRELATION_DEFAULTS,
  ) {}

  async onAnomalies(messages: readonly AnomalyMessage[]): Promise<void> {
    for (const { type, anomaly } of messages) {
      if (type !== 'open' || !CORRELATED_SIGNALS.has(anomaly.signal)) continue;
      try {
        await this.correlate(anomaly);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, anomaly: anomaly.id }, 'pattern correlation failed');
      }
    }
  }

  private async correlate(related: queries.AnomalyRecord): Promise<void> {
    const windowFromMs = related.startMs - (this.options.windowMinutes - 1) * MINUTE_MS;
    const counts = await queries.patternCountsAround(this.store, {
      service: related.service,
      baselineFromMs: windowFromMs - this.options.baselineMinutes * MINUTE_MS,
      windowFromMs,
      windowToMs: related.startMs + MINUTE_MS,
      minSeverityNumber: WARN,
    });
    const records = correlatedPatterns(counts, this.options).map((p): queries.AnomalyRecord => {
      const seriesKey = ['log_pattern_correlated', related.service, p.templateId, 'count'].map(encodeURIComponent).join(':');
      return {
        id: anomalyId(`${seriesKey}/${related.id}`, related.startMs),
        seriesKey,
        signal: 'log_pattern_correlated',
        service: related.service,
        name: p.template || p.templateId,
        stat: 'count',
        attributes: {
          templateId: p.templateId,
          relatedAnomalyId: related.id,
          relatedSeriesKey: related.seriesKey,
          lift: Number.isFinite(p.lift) ? p.lift.toFixed(1) : 'new',
        },
        startMs: related.startMs,
        endMs: related.startMs,
        peakScore: Math.min(1, severityScore(p.maxSeverityNumber, '') * Math.max(related.peakScore, 0.5) + 0.1),
        peakMs: related.startMs,
        expected: (p.baselineCount / this.options.baselineMinutes) * this.options.windowMinutes,
        actual: p.windowCount,
        lower: 0,
        upper: 0,
        detector: 'pattern-correlation',
        status: 'closed',
        updatedAtMs: this.nextUpdatedAt(),
      };
    });
    if (records.length === 0) return;
    await queries.insertAnomalies(this.store, records);
    for (const anomaly of records) this.publish({ type: 'open', anomaly });
  }

  private nextUpdatedAt(): number {
    this.lastUpdatedAtMs = Math.max(Date.now(), this.lastUpdatedAtMs + 1);
    return this.lastUpdatedAtMs;
  }
}
