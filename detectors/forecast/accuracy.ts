/**
 * Forecast error measures. sMAPE is the M3/M4 competitions' form (Makridakis 2000), in
 * [0, 2] here returned as a fraction (0.15 = 15 %); points where actual and forecast are
 * both 0 add no error. MAPE skips actual zeros (it is undefined there).
 */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(forecast[i]);
    n++;
    if (denominator > 0) sum += (2 * Math.abs(forecast[i] - actual[i])) / denominator;
  }
  return n === 0 ? 0 : sum / n;
}

export function mape(actual: readonly number[], forecast: readonly number[]): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs((forecast[i] - actual[i]) / actual[i]);
    n++;
  }
  return n === 0 ? null : sum / n;
}

/** Linear-interpolated quantile of a sorted array (type 7, as R and NumPy default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
