/**
 * Scores → anomaly events, with hysteresis so that one incident is one anomaly: a score
 * at or above `threshold` opens an anomaly; it stays open while scores keep reaching
 * `closeThreshold` and closes after `quietPoints` points in a row below it. Scores above
 * the peak while open update the anomaly instead of opening another.
 */
export interface HysteresisOptions {
  threshold: number;
  closeThreshold: number;
  quietPoints: number;
}

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
    return { transition: 'open', anomaly: { ...state.open } };
  }
  if (p.score >= options.closeThreshold) {
    state.quiet = 0;
    open.endMs = p.timeMs;
    if (p.score <= open.peakScore) return undefined;
    Object.assign(open, { peakScore: p.score, peakMs: p.timeMs, expected: p.expected, actual: p.value, lower: p.lower, upper: p.upper });
    return { transition: 'update', anomaly: { ...open } };
  }
  if (++state.quiet < options.quietPoints) return undefined;
  state.open = null;
  state.quiet = 0;
  return { transition: 'close', anomaly: { ...open } };
}
