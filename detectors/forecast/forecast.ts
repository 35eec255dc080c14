import { quantileSorted, smape } from './accuracy.js';
import { fitHoltWinters, forecastHoltWinters, holtWintersSpread } from './holt-winters.js';
import { forecastSeasonalNaive, seasonalNaiveResiduals, seasonalNaiveSpread } from './seasonal-naive.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export type ModelName = 'holt-winters' | 'seasonal-naive';

export interface ForecastOptions {
  /** Central coverage of the prediction interval (0.9: from the 5th to the 95th percentile). */
  intervalLevel: number;
}

export interface Forecast {
  model: ModelName;
  /** Season length in steps (a day or a week of the series' step). */
  seasonLength: number;
  /** sMAPE of the chosen model on the held-out last part of the history (fraction), or null when too short to hold any out. */
  holdoutSmape: number | null;
  values: number[];
  lower: number[];
  upper: number[];
}

interface Candidate {
  model: ModelName;
  seasonLength: number;
}

/**
 * Candidate season lengths for a series of `n` points every `stepMs`: a day, and a week once
 * there are three weeks (two to initialise Holt-Winters, one to hold out).
 */
export function seasonCandidates(n: number, stepMs: number): number[] {
  const out: number[] = [];
  for (const periodMs of [DAY_MS, WEEK_MS]) {
    const m = Math.round(periodMs / stepMs);
    if (m >= 2 && Math.abs(m * stepMs - periodMs) < stepMs / 2 && n >= 3 * m) out.push(m);
  }
  return out;
}

/** The smallest history `forecastSeries` accepts: three days of points. */
export function minimumPoints(stepMs: number): number {
  return 3 * Math.round(DAY_MS / stepMs);
}

/**
 * Forecasts `horizon` steps after `values` (evenly spaced every `stepMs`, no gaps): every
 * candidate (Holt-Winters and seasonal naive, per season length) forecasts the last longest
 * season of the history from the rest (the same holdout for all, so a weekly season is judged
 * on a weekend too); the lowest sMAPE wins and is refitted on all of it.
 * Intervals: the model's one-step in-sample error quantiles, widened per step ahead by the
 * model's own variance growth.
 */
export function forecastSeries(values: readonly number[], stepMs: number, horizon: number, options: ForecastOptions): Forecast {
  const seasons = seasonCandidates(values.length, stepMs);
  if (seasons.length === 0) throw new Error(`forecasting needs at least ${minimumPoints(stepMs)} points (three days), got ${values.length}`);
  const candidates: Candidate[] = seasons.flatMap((m) => [{ model: 'holt-winters' as const, seasonLength: m }, { model: 'seasonal-naive' as const, seasonLength: m }]);
  const holdout = seasons[seasons.length - 1];
  let best: { candidate: Candidate; error: number } | undefined;
  for (const candidate of candidates) {
    const train = values.slice(0, values.length - holdout);
    if (train.length < 2 * candidate.seasonLength) continue;
    const error = smape(values.slice(train.length), pointForecast(train, candidate, holdout));
    if (!best || error < best.error) best = { candidate, error };
  }
  const chosen = best?.candidate ?? { model: 'seasonal-naive' as const, seasonLength: seasons[0] };
  return { ...withIntervals(values, chosen, horizon, options), holdoutSmape: best ? best.error : null };
}

/** The chosen model's point forecast only (backtests). */
export function pointForecast(values: readonly number[], c: Candidate, horizon: number): number[] {
  return c.model === 'holt-winters' ? forecastHoltWinters(fitHoltWinters(values, c.seasonLength), horizon) : forecastSeasonalNaive(values, c.seasonLength, horizon);
}

function withIntervals(values: readonly number[], c: Candidate, horizon: number, options: ForecastOptions): Omit<Forecast, 'holdoutSmape'> {
  let forecast: number[];
  let residuals: number[];
  let spread: number[];
  if (c.model === 'holt-winters') {
    const fit = fitHoltWinters(values, c.seasonLength);
    forecast = forecastHoltWinters(fit, horizon);
    residuals = fit.residuals.slice(c.seasonLength); // the first season after initialisation is still settling
    spread = holtWintersSpread(fit, horizon);
  } else {
    forecast = forecastSeasonalNaive(values, c.seasonLength, horizon);
    residuals = seasonalNaiveResiduals(values, c.seasonLength);
    spread = seasonalNaiveSpread(c.seasonLength, horizon);
  }
  const sorted = [...residuals].sort((a, b) => a - b);
  const tail = (1 - options.intervalLevel) / 2;
  const below = quantileSorted(sorted, tail);
  const above = quantileSorted(sorted, 1 - tail);
  return {
    model: c.model,
    seasonLength: c.seasonLength,
    values: forecast,
    lower: forecast.map((f, i) => f + Math.min(0, below) * spread[i]),
    upper: forecast.map((f, i) => f + Math.max(0, above) * spread[i]),
  };
}
