/**
 * Capacity forecasting (pure): additive Holt-Winters (trend damped or not) and a seasonal-naive
 * baseline, chosen per series by holdout sMAPE; prediction intervals; when a limit is reached;
 * rolling-origin backtests. The caller reads the series from the store and fills its gaps.
 */
export { mape, smape } from './accuracy.js';
export { forecastSeries, minimumPoints, seasonCandidates, type Forecast, type ForecastOptions, type ModelName } from './forecast.js';
export { exhaustion, type Exhaustion } from './exhaustion.js';
export { backtestSeries, type BacktestFold, type BacktestResult } from './backtest.js';
export { fillGaps } from './gaps.js';
