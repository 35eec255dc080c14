/** Offline detectors: trained over history in the store, scored live or in backtests. */
export { trainIForest, scoreIForest, scoreForest, parseIForestModel, featureVector, averagePathLength, DEFAULT_TRAIN_OPTIONS, type IForestModel, type ServiceForest, type TrainOptions } from './iforest.js';
export { IForestStream, iforestSeriesKey, IFOREST_DETECTOR, IFOREST_SIGNAL, type FeatureMinute, type IForestEvent, type IForestStreamOptions } from './iforest-stream.js';
export { backtestScores, type DetectedAnomaly, type DetectorScore, type LabelIncident } from './backtest.js';
