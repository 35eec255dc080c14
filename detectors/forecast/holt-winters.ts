/**
 * Additive Holt-Winters (triple exponential smoothing), trend damped or not: level, trend and
 * one seasonal component of `seasonLength` steps. Parameters are picked from a small grid by
 * in-sample one-step squared error, the way ETS fits without an optimiser dependency.
 * Forecast variance follows ETS(A,Ad,A) (Hyndman et al., "Forecasting with Exponential
 * Smoothing", 2008, table 6.1, class 1), so intervals widen with the horizon as the model says.
 */
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  /** Trend damping φ (1 = undamped). */
  phi: number;
}

export interface HoltWintersFit {
  params: HoltWintersParams;
  seasonLength: number;
  level: number;
  trend: number;
  /** Seasonal terms; `season[(n + h - 1) % m]` is the one for step h ahead of the last point. */
  season: number[];
  /** One-step in-sample errors after the first season (actual − fitted). */
  residuals: number[];
  n: number;
}

const ALPHAS = [0.05, 0.15, 0.3, 0.5, 0.8];
const BETAS = [0, 0.02, 0.1];
const GAMMAS = [0.02, 0.1, 0.3];
const PHIS = [1, 0.98];

export function fitHoltWinters(values: readonly number[], seasonLength: number): HoltWintersFit {
  if (values.length < 2 * seasonLength || seasonLength < 1) throw new Error(`Holt-Winters needs two seasons (${2 * seasonLength} points), got ${values.length}`);
  let best: HoltWintersFit | undefined;
  let bestSse = Infinity;
  for (const alpha of ALPHAS) {
    for (const beta of BETAS) {
      for (const gamma of GAMMAS) {
        for (const phi of PHIS) {
          const fit = run(values, seasonLength, { alpha, beta, gamma, phi });
          let sse = 0;
          for (const r of fit.residuals) sse += r * r;
          if (sse < bestSse) {
            bestSse = sse;
            best = fit;
          }
        }
      }
    }
  }
  return best!;
}

/** Runs the recursions over the series with fixed parameters (initial state from the first two seasons). */
export function run(values: readonly number[], m: number, params: HoltWintersParams): HoltWintersFit {
  const { alpha, beta, gamma, phi } = params;
  const first = mean(values, 0, m);
  const second = mean(values, m, 2 * m);
  let level = first;
  let trend = (second - first) / m;
  const season = new Array<number>(m);
  // Seasonal terms start detrended: the first season's slope is trend, not a repeating ramp.
  for (let i = 0; i < m; i++) season[i] = values[i] - (first + trend * (i - (m - 1) / 2));
  const residuals: number[] = [];
  for (let t = m; t < values.length; t++) {
    const s = season[t % m];
    const fitted = level + phi * trend + s;
    const error = values[t] - fitted;
    residuals.push(error);
    // Error-correction form of ETS(A,Ad,A): the same recursions the variance formula assumes.
    level = level + phi * trend + alpha * error;
    trend = phi * trend + alpha * beta * error;
    season[t % m] = s + gamma * error;
  }
  return { params, seasonLength: m, level, trend, season, residuals, n: values.length };
}

/** Point forecasts for steps 1..horizon after the last fitted point. */
export function forecastHoltWinters(fit: HoltWintersFit, horizon: number): number[] {
  const { level, trend, season, seasonLength: m, n, params } = fit;
  const out: number[] = [];
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    damp += params.phi ** h;
    out.push(level + damp * trend + season[(n + h - 1) % m]);
  }
  return out;
}

/** √(1 + Σ c_j²) for h = 1..horizon: how much wider than one step the h-step error is. */
export function holtWintersSpread(fit: HoltWintersFit, horizon: number): number[] {
  const { alpha, beta, gamma, phi } = fit.params;
  const out: number[] = [];
  let sum = 0;
  let damp = 0;
  for (let h = 1; h <= horizon; h++) {
    out.push(Math.sqrt(1 + sum));
    damp += phi ** h;
    const c = alpha + alpha * beta * damp + (h % fit.seasonLength === 0 ? gamma : 0);
    sum += c * c;
  }
  return out;
}

function mean(values: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += values[i];
  return s / (to - from);
}
