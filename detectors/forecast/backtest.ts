import { mape, smape } from './accuracy.js';
import { forecastSeries, type ForecastOptions, type ModelName } from './forecast.js';

export interface BacktestFold {
  /** Index of the first forecast point in the series. */
  origin: number;
  model: ModelName;
  seasonLength: number;
  smape: number;
  mape: number | null;
  /** Share of actual points inside the prediction interval. */
  coverage: number;
}

export interface BacktestResult {
  folds: BacktestFold[];
  /** Mean over folds (fractions). */
  smape: number;
  mape: number | null;
  coverage: number;
}

/**
 * Rolling-origin evaluation (Tashman 2000): the series is cut at `folds` origins, one horizon
 * apart, ending at its last point; at each, the forecaster sees only what came before (model
 * selection included) and forecasts `horizon` steps, scored against what followed.
 */
export function backtestSeries(values: readonly number[], stepMs: number, horizon: number, folds: number, options: ForecastOptions): BacktestResult {
  const out: BacktestFold[] = [];
  for (let k = folds; k >= 1; k--) {
    const origin = values.length - k * horizon;
    if (origin <= 0) continue;
    const history = values.slice(0, origin);
    const actual = values.slice(origin, origin + horizon);
    let f;
    try {
      f = forecastSeries(history, stepMs, actual.length, options);
    } catch {
      continue; // too little history before this origin
    }
    const inside = actual.filter((a, i) => a >= f.lower[i] && a <= f.upper[i]).length;
    out.push({ origin, model: f.model, seasonLength: f.seasonLength, smape: smape(actual, f.values), mape: mape(actual, f.values), coverage: inside / actual.length });
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const mapes = out.map((f) => f.mape).filter((m): m is number => m !== null);
  return { folds: out, smape: mean(out.map((f) => f.smape)), mape: mapes.length ? mean(mapes) : null, coverage: mean(out.map((f) => f.coverage)) };
}
