/**
 * Sustained level shifts that no single point reveals: a two-sided Page CUSUM (Page 1954) of
 * the deviation from a slow baseline, in nats. A shift of `shiftSigmas` σ held for a few dozen
 * points is plain here, while the one-step error of an adapting predictor fades as the
 * predictor follows it (the surprise path sees only its first, small, steps).
 *
 * Each step adds the log-likelihood ratio of "mean moved by δσ" against "mean unchanged" for a
 * Gaussian deviation r (in σ): δ(r − δ/2). By Wald's inequality a CUSUM reaches h nats by
 * chance with probability ≤ e^−h per run, so its value is a surprise like the others. r is
 * clipped so a lone spike (the surprise path's job) adds a bounded step, not a run.
 *
 * A run (from the CUSUM leaving 0 to its return) is reported once, when its evidence beats
 * `margin` × the largest earlier run (slowly forgotten): series that drift all the time (a
 * temperature, a load that wanders) raise their own bar and stay quiet, a steady one reports
 * its first real shift.
 */
export interface ShiftOptions {
  /** Shift the CUSUM is tuned to, in σ of the deviation (Page's reference value k = δ/2). */
  shiftSigmas: number;
  /** Clip of the standardised deviation, in σ. */
  clipSigmas: number;
  /** EWMA rate of the baseline and of its mean absolute deviation (σ ≈ 1.25 × MAD for a Gaussian). */
  baselineAlpha: number;
  /** Per-point decay of the record of earlier runs (0.9999: half-life ~7000 points). */
  recordDecay: number;
}

export const SHIFT_DEFAULTS: ShiftOptions = {
  shiftSigmas: 1,
  clipSigmas: 3,
  baselineAlpha: 0.005,
  recordDecay: 0.9999,
};

/** σ of a Gaussian over its mean absolute deviation, √(π/2). */
const SIGMA_PER_MAD = 1.2533;

export interface ShiftState {
  baseline: number;
  mad: number;
  /** CUSUM statistics (in σ) of an upward and a downward shift. */
  up: number;
  down: number;
  /** Largest evidence of earlier runs (decaying), of the current run, and whether the current run was reported. */
  record: number;
  runMax: number;
  reported: boolean;
  started: boolean;
}

export function createShift(): ShiftState {
  return { baseline: 0, mad: 0, up: 0, down: 0, record: 0, runMax: 0, reported: false, started: false };
}

/**
 * Feeds one deseasonalised value; returns the evidence (nats) of a sustained shift. `floor`
 * bounds σ from below (flat series); while `accumulate` is false (warm-up) the baseline learns
 * but no evidence builds.
 */
export function stepShift(s: ShiftState, o: ShiftOptions, value: number, floor: number, accumulate: boolean): number {
  if (!s.started) {
    s.baseline = value;
    s.started = true;
  }
  const deviation = value - s.baseline;
  const sigma = Math.max(SIGMA_PER_MAD * s.mad, floor);
  const r = Math.max(-o.clipSigmas, Math.min(o.clipSigmas, deviation / sigma));
  const k = o.shiftSigmas / 2;
  s.up = accumulate ? Math.max(0, s.up + r - k) : 0;
  s.down = accumulate ? Math.max(0, s.down - r - k) : 0;
  s.mad += o.baselineAlpha * (Math.abs(deviation) - s.mad);
  s.baseline += o.baselineAlpha * deviation;
  return o.shiftSigmas * Math.max(s.up, s.down);
}

/**
 * Whether this evidence reports its run: the first point at which it reaches `minEvidence`
 * and beats `margin` × the record of earlier runs. Then learns the run into the record.
 */
export function shiftNews(s: ShiftState, o: ShiftOptions, evidence: number, margin: number, minEvidence: number): boolean {
  const news = !s.reported && evidence >= minEvidence && evidence > margin * s.record;
  if (news) s.reported = true;
  s.runMax = Math.max(s.runMax, evidence);
  s.record *= o.recordDecay;
  if (evidence === 0) {
    s.record = Math.max(s.record, s.runMax);
    s.runMax = 0;
    s.reported = false;
  }
  return news;
}
