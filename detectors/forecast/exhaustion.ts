/**
 * When a forecast reaches a limit (a disk's size, a pool's maximum): the first step whose point
 * forecast is at or above it, and the earliest and latest the prediction interval allows
 * (upper and lower bound reaching it). Null when it does not happen within the horizon.
 */
export interface Exhaustion {
  /** Already at or above the limit at the last observed point. */
  exceeded: boolean;
  /** Step (1-based) where the point forecast reaches the limit. */
  step: number | null;
  earliestStep: number | null;
  latestStep: number | null;
}

export function exhaustion(last: number, forecast: { values: readonly number[]; lower: readonly number[]; upper: readonly number[] }, limit: number): Exhaustion {
  const first = (xs: readonly number[]) => {
    const i = xs.findIndex((x) => x >= limit);
    return i < 0 ? null : i + 1;
  };
  return { exceeded: last >= limit, step: first(forecast.values), earliestStep: first(forecast.upper), latestStep: first(forecast.lower) };
}
