/**
 * Seasonal naive: each step ahead repeats the value one season earlier (the last observed
 * season, repeated). The baseline every seasonal model must beat; its h-step error is the
 * one-step error times √k, k the number of seasons ahead (Hyndman & Athanasopoulos, FPP3 §5.5).
 */
export function forecastSeasonalNaive(values: readonly number[], m: number, horizon: number): number[] {
  const n = values.length;
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) out.push(values[n - m + ((h - 1) % m)]);
  return out;
}

/** In-sample one-step errors: y_t − y_{t−m}. */
export function seasonalNaiveResiduals(values: readonly number[], m: number): number[] {
  const out: number[] = [];
  for (let t = m; t < values.length; t++) out.push(values[t] - values[t - m]);
  return out;
}

export function seasonalNaiveSpread(m: number, horizon: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= horizon; h++) out.push(Math.sqrt(Math.floor((h - 1) / m) + 1));
  return out;
}
