import type { queries } from '../../analytics/index.js';
import { anomalyId, createHysteresis, stepHysteresis, type AnomalyEvent, type HysteresisState } from '../runner/index.js';
import { featureVector, scoreIForest, type IForestModel } from './iforest.js';

/**
 * The iforest detector on the live stream: each closed minute's feature vector of a
 * service is scored against the active model; the same hysteresis as the online detectors
 * turns scores into anomalies (signal `service_features`, detector `iforest`). Pure: the
 * caller reads the vectors and stores what it returns.
 */
export const IFOREST_SIGNAL = 'service_features';
export const IFOREST_DETECTOR = 'iforest';

export interface FeatureMinute {
  service: string;
  minuteMs: number;
  values: ReadonlyArray<number | null>;
}

export interface IForestStreamOptions {
  /** Lowest score that opens an anomaly; a service's own training quantile may raise it. */
  threshold: number;
  /** Minutes in a row under the threshold that close an anomaly. */
  quietPoints: number;
  /** Name of the model, recorded on each anomaly. */
  modelName: string;
}

/** How far above the training quantile a score must be to open (the quantile row itself is normal). */
const QUANTILE_MARGIN = 0.01;
/** How far below its opening threshold a score still keeps an anomaly open. */
const CLOSE_MARGIN = 0.03;

export function iforestSeriesKey(service: string): string {
  return `${IFOREST_SIGNAL}:${encodeURIComponent(service)}:${IFOREST_DETECTOR}:score`;
}

export interface IForestEvent {
  type: AnomalyEvent['type'];
  /** The anomaly as stored, but for updatedAtMs (the writer stamps it). */
  anomaly: Omit<queries.AnomalyRecord, 'updatedAtMs'>;
}

export class IForestStream {
  /** Per service: hysteresis, the last minute scored, and the feature values at the open anomaly's peak. */
  private readonly states = new Map<string, { hysteresis: HysteresisState; lastMinuteMs: number; peak?: number[] }>();

  constructor(
    readonly model: IForestModel,
    private readonly options: IForestStreamOptions,
  ) {}

  /** The score that opens an anomaly for a service: above what its own training minutes reached at the quantile. */
  thresholdOf(service: string): number {
    return Math.max(this.options.threshold, (this.model.services[service]?.scoreQuantile ?? 0) + QUANTILE_MARGIN);
  }

  /** Scores minutes (any order; each service's are taken oldest first, a minute at most once). */
  process(minutes: readonly FeatureMinute[]): { scored: number; events: IForestEvent[] } {
    const events: IForestEvent[] = [];
    let scored = 0;
    for (const m of [...minutes].sort((a, b) => a.minuteMs - b.minuteMs)) {
      const x = featureVector(m.values);
      const score = scoreIForest(this.model, m.service, x);
      if (score === undefined) continue;
      const state = this.states.get(m.service) ?? { hysteresis: createHysteresis(), lastMinuteMs: -Infinity };
      this.states.set(m.service, state);
      if (m.minuteMs <= state.lastMinuteMs) continue;
      state.lastMinuteMs = m.minuteMs;
      scored++;
      const threshold = this.thresholdOf(m.service);
      const step = stepHysteresis(
        state.hysteresis,
        { threshold, closeThreshold: threshold - CLOSE_MARGIN, quietPoints: this.options.quietPoints, rebaselinePoints: 0 },
        { timeMs: m.minuteMs, value: score, score, expected: 0.5, lower: 0, upper: threshold },
      );
      if (!step) continue;
      if (step.transition !== 'close') state.peak = x;
      const seriesKey = iforestSeriesKey(m.service);
      const attributes: Record<string, string> = { model: this.options.modelName };
      this.model.features.forEach((f, i) => (attributes[f] = String((state.peak ?? x)[i])));
      events.push({
        type: step.transition,
        anomaly: {
          ...step.anomaly,
          id: anomalyId(seriesKey, step.anomaly.startMs),
          seriesKey,
          signal: IFOREST_SIGNAL,
          service: m.service,
          name: IFOREST_DETECTOR,
          stat: 'score',
          attributes,
          detector: IFOREST_DETECTOR,
          status: step.transition === 'close' ? 'closed' : 'open',
        },
      });
    }
    return { scored, events };
  }
}
