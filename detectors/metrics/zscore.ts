import { normalTail } from './math.js';
import { emptyResult, type StepResult } from './types.js';

/**
 * Windowed Gaussian baseline (NAB's `windowedGaussian`): z-score of the point against
 * the mean and standard deviation of the previous `windowSize` points; score = 1 − two-sided tail.
 */
export interface ZScoreOptions {
  windowSize: number;
  /** Band half-width in standard deviations for `lower`/`upper`. */
  bandSigmas: number;
}

export const ZSCORE_DEFAULTS: ZScoreOptions = { windowSize: 1000, bandSigmas: 3 };

export interface ZScoreState {
  kind: 'zscore';
  options: ZScoreOptions;
  ring: number[];
  head: number;
  count: number;
  sum: number;
  sumSq: number;
  out: StepResult;
}

export function createZScore(options: Partial<ZScoreOptions> = {}): ZScoreState {
  const o = { ...ZSCORE_DEFAULTS, ...options };
  return { kind: 'zscore', options: o, ring: new Array<number>(o.windowSize).fill(0), head: 0, count: 0, sum: 0, sumSq: 0, out: emptyResult() };
}

export function stepZScore(s: ZScoreState, _timestampMs: number, value: number): StepResult {
  const out = s.out;
  if (!Number.isFinite(value)) {
    out.score = 0;
    return out;
  }
  const n = s.count;
  const mean = n > 0 ? s.sum / n : value;
  const variance = n > 1 ? Math.max(0, s.sumSq / n - mean * mean) : 0;
  const sd = Math.sqrt(variance);
  out.expected = mean;
  out.lower = mean - s.options.bandSigmas * sd;
  out.upper = mean + s.options.bandSigmas * sd;
  out.score = n > 1 && sd > 0 ? 1 - 2 * normalTail(Math.abs(value - mean) / sd) : 0;
  const w = s.options.windowSize;
  if (n === w) {
    const old = s.ring[s.head];
    s.sum -= old;
    s.sumSq -= old * old;
  } else {
    s.count++;
  }
  s.ring[s.head] = value;
  s.head = (s.head + 1) % w;
  s.sum += value;
  s.sumSq += value * value;
  return out;
}
