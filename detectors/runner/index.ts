/** Detection over the telemetry stream (live runner) and over history (backfill). */
export { DetectorRunner, ANOMALY_TOPIC, DETECTOR_GROUP, type AnomalyMessage, type RunnerDeps, type RunnerOptions, type RunnerStats } from './runner.js';
export { backfill, type BackfillOptions, type BackfillResult } from './backfill.js';
export { DetectionCore, anomalyId, type Anomaly, type AnomalyEvent, type CoreOptions, type ScoredPoint, type StateSnapshot } from './core.js';
export { seriesKey, parseSeriesKey, SIGNALS, type SeriesId, type SeriesPoint, type SeriesSignal, type SeriesStat } from './series.js';
export { createHysteresis, stepHysteresis, type HysteresisOptions, type HysteresisState, type ScoredValue } from './hysteresis.js';
