import { floorDiv } from './math.js';

/**
 * Additive Holt-Winters without trend for one candidate period (a day or a week),
 * bucketed by event time so irregular sampling and gaps land in the right phase.
 * Whether the series actually has this period is decided by the caller, online,
 * by comparing this predictor's running error with the plain level predictor's.
 */
export interface Seasonal {
  periodMs: number;
  /** 1 / periodMs. */
  perMs: number;
  buckets: number;
  /** Seasonal offset per bucket; NaN until the bucket is first seen. Float32: half the snapshot, ample precision for an offset. */
  season: Float32Array;
  /** The bucket of the current point (computed once per point). */
  bucket: number;
  level: number;
  /** Updates made with a seen bucket; the predictor is trusted after a full period of them. */
  uses: number;
  /** EW mean absolute one-step error (scale for z) and a slower one (for model selection). */
  mae: number;
  selErr: number;
}

export const DAY_MS = 86_400_000;
/** One week at one-minute sampling; finer data keeps only the daily model. */
export const MAX_BUCKETS = 10_080;

export function createSeasonal(periodMs: number, intervalMs: number, level: number): Seasonal | undefined {
  const buckets = Math.round(periodMs / intervalMs);
  if (buckets < 4 || buckets > MAX_BUCKETS) return undefined;
  return { periodMs, perMs: 1 / periodMs, buckets, season: new Float32Array(buckets).fill(NaN), bucket: 0, level, uses: 0, mae: 0, selErr: 0 };
}

/**
 * Sets the bucket of this timestamp: ⌊phase × buckets / period⌋, exact for integer ms (the
 * former ⌊phase / period × buckets⌋ put ~6% of one-minute timestamps into their neighbour's
 * bucket), by floored division (% and / are far slower; non-integer times round harmlessly).
 */
export function enterBucket(sea: Seasonal, timestampMs: number): void {
  const p = sea.periodMs;
  const phase = timestampMs - floorDiv(timestampMs, p, sea.perMs) * p;
  sea.bucket = Math.min(sea.buckets - 1, floorDiv(phase * sea.buckets, p, sea.perMs));
}

/** The prediction for the current bucket, or NaN while the model is not yet trusted there. */
export function seasonalPrediction(sea: Seasonal): number {
  return sea.uses < sea.buckets ? NaN : sea.level + sea.season[sea.bucket];
}

export interface SeasonalRates {
  hwLevelAlpha: number;
  seasonAlpha: number;
  maeAlpha: number;
  selectAlpha: number;
}

export function updateSeasonal(sea: Seasonal, value: number, r: SeasonalRates): void {
  const bucket = sea.bucket;
  if (Number.isNaN(sea.season[bucket])) {
    sea.season[bucket] = value - sea.level;
    return;
  }
  const e = Math.abs(value - sea.level - sea.season[bucket]);
  sea.uses++;
  sea.mae += r.maeAlpha * (e - sea.mae);
  sea.selErr += r.selectAlpha * (e - sea.selErr);
  const prevLevel = sea.level;
  sea.level += r.hwLevelAlpha * (value - sea.season[bucket] - sea.level);
  sea.season[bucket] += r.seasonAlpha * (value - prevLevel - sea.season[bucket]);
}
