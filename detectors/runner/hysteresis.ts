/**
 * Scores → anomaly events, with hysteresis so that one incident is one anomaly: a score
 * at or above `threshold` opens an anomaly; it stays open while scores keep reaching
 * `closeThreshold` or the value stays outside the band of normal it had when the anomaly
 * opened, and closes after `quietPoints` points in a row that do neither. A new peak while
 * open (see isNewPeak) updates the anomaly instead of opening another.
 *
 * The band matters because detectors score *news*: a series that jumps and stays up scores
 * high once, then the detector adapts. Operationally the anomaly lasts until the series
 * is back where it was (that is when an incident recovers) — or, for a shift that turns out
 * to be the new normal, until `rebaselinePoints` points have passed. "Back" means inside
 * that band, or most of the way there: a value still counts as the anomaly only while it
 * is at least RECOVERY_SHARE of the peak's distance from the expected value at opening. A
 * band predicted narrow (a quiet series) is crossed by ordinary noise after recovery, and
 * that noise must not hold the anomaly — and its incident — open for the whole horizon.
 */
export interface HysteresisOptions {
  threshold: number;
  closeThreshold: number;
  quietPoints: number;
  /** Points after opening past which only scores keep an anomaly open (default 60). */
  rebaselinePoints?: number;
}

const DEFAULT_REBASELINE_POINTS = 60;
/**
 * Scores are capped (an extreme value scores EXTREME_SCORE however far out it is), so among
 * equal scores a value this many times further from expected is a new peak: a flood that
 * opened at 2× normal and grew to 20× must say 20×, since incidents page on the size of a
 * volume move.
 */
const PEAK_DEVIATION_GROWTH = 1.5;
/** Share of the peak's excursion a value must keep to count as not recovered yet. */
const RECOVERY_SHARE = 0.5;

export interface ScoredValue {
  timeMs: number;
  value: number;
  score: number;
  expected: number;
  lower: number;
  upper: number;
}

export interface AnomalyWindow {
  startMs: number;
  /** Last point that scored at or above closeThreshold. */
  endMs: number;
  peakScore: number;
  peakMs: number;
  /** At the peak: what was expected, what came, and the band of normal. */
  expected: number;
  actual: number;
  lower: number;
  upper: number;
}

export interface HysteresisState {
  open: AnomalyWindow | null;
  quiet: number;
  /** Band of normal (and expected value) predicted for the point that opened the anomaly. */
  base?: { lower: number; upper: number; expected?: number };
  /** Points seen since the anomaly opened. */
  openPoints?: number;
}

export type Transition = 'open' | 'update' | 'close';

export function createHysteresis(): HysteresisState {
  return { open: null, quiet: 0 };
}

/** Feeds one scored point; returns the transition it causes (and the anomaly, copied), if any. */
export function stepHysteresis(state: HysteresisState, options: HysteresisOptions, p: ScoredValue): { transition: Transition; anomaly: AnomalyWindow } | undefined {
  const open = state.open;
  if (!open) {
    if (!(p.score >= options.threshold)) return undefined;
    state.open = { startMs: p.timeMs, endMs: p.timeMs, peakScore: p.score, peakMs: p.timeMs, expected: p.expected, actual: p.value, lower: p.lower, upper: p.upper };
    state.quiet = 0;
    state.base = { lower: p.lower, upper: p.upper, expected: p.expected };
    state.openPoints = 0;
    return { transition: 'open', anomaly: { ...state.open } };
  }
  const openPoints = (state.openPoints = (state.openPoints ?? 0) + 1);
  const base = state.base;
  const deviating = base !== undefined && openPoints <= (options.rebaselinePoints ?? DEFAULT_REBASELINE_POINTS) && (p.value < base.lower || p.value > base.upper) && notRecovered(base, open, p.value);
  if (p.score >= options.closeThreshold || deviating) {
    state.quiet = 0;
    open.endMs = p.timeMs;
    if (!isNewPeak(open, p)) return undefined;
    Object.assign(open, { peakScore: p.score, peakMs: p.timeMs, expected: p.expected, actual: p.value, lower: p.lower, upper: p.upper });
    return { transition: 'update', anomaly: { ...open } };
  }
  if (++state.quiet < options.quietPoints) return undefined;
  state.open = null;
  state.quiet = 0;
  state.base = undefined;
  state.openPoints = 0;
  return { transition: 'close', anomaly: { ...open } };
}

/** Whether a scored point beats an anomaly's peak: a higher score (by more than `margin`), or an equal one much further out. */
export function isNewPeak(peak: Pick<AnomalyWindow, 'peakScore' | 'expected' | 'actual'>, p: ScoredValue, margin = 0): boolean {
  if (p.score > peak.peakScore + margin) return true;
  // Strictly further: a run of equal scores at the expected value is not a run of new peaks.
  return p.score >= peak.peakScore && Math.abs(p.value - p.expected) > PEAK_DEVIATION_GROWTH * Math.abs(peak.actual - peak.expected);
}

/** Still at least RECOVERY_SHARE of the peak's distance from the expected value at opening (snapshots before it was kept: any distance). */
function notRecovered(base: NonNullable<HysteresisState['base']>, open: AnomalyWindow, value: number): boolean {
  if (base.expected === undefined || !Number.isFinite(base.expected)) return true;
  return Math.abs(value - base.expected) >= RECOVERY_SHARE * Math.abs(open.actual - base.expected);
}
