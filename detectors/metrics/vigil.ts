import { gammaTailSurprise } from './math.js';
import { createNovelty, stepNovelty, type NoveltyOptions, type NoveltyState } from './novelty.js';
import { createSeasonal, DAY_MS, enterBucket, seasonalPrediction, updateSeasonal, type Seasonal } from './seasonal.js';
import { createShape, SHAPE_DEFAULTS, stepShape, type ShapeOptions, type ShapeState } from './shape.js';
import { createShift, SHIFT_DEFAULTS, shiftNews, stepShift, type ShiftOptions, type ShiftState } from './shift.js';
import { createRecurrence, learnRecurrence, recurringSurprise, type DailyRecurrence } from './recurrence.js';
import { emptyResult, type StepResult } from './types.js';

/**
 * Vigil's combined online detector. Per point:
 *  1. predictors: an EWMA level, and additive Holt-Winters for a daily and a weekly
 *     period (sampling interval learned from the timestamps); the one with the lowest
 *     running error (by a 10% margin over the level) is used — seasonality is learned, not configured;
 *  2. z = |error| / EW mean absolute error (floored at a fraction of the range seen, so
 *     flat lines do not explode);
 *  3. surprise = max over windows k of −ln P(Gamma(k,1) ≥ Σ last k z): spikes (k=1),
 *     short level/variance shifts (k>1);
 *  4. contextual novelty (CAD OSE-like) boosts surprises, shifts and shape novelty that
 *     coincide with unseen value transitions;
 *  5. a burst emits once: a point scores only when its surprise beats `margin` × both the
 *     decaying record of recent surprises and the surprise that recurred at this time of
 *     day on each of the last two days; a confident firing is not repeated while its burst
 *     grows over the next `refirePoints` (NAB rewards the earliest detection in a window and charges every extra false
 *     positive; a daily job's spike is not news on day three);
 *  6. shape novelty (ARTime-like, `shape.ts`) catches what error magnitude misses — a window
 *     whose shape and level match no learned prototype, trusted more as the ART learns more
 *     windows;
 *  7. a sustained shift (CUSUM, `shift.ts`) catches what the adapting predictor absorbs — a
 *     level that moved by about a σ and stays, reported once per run when it beats the
 *     series' earlier runs, trusted as the series matures like shape novelty;
 *  the score is the largest of the three.
 */
export interface VigilOptions {
  /** EWMA rate of the plain level predictor. */
  levelAlpha: number;
  /** Holt-Winters level and seasonal rates. */
  hwLevelAlpha: number;
  seasonAlpha: number;
  /** Rate of the error-scale tracker (z denominator). */
  maeAlpha: number;
  /** Rate of the slower error tracker used to pick the predictor. */
  selectAlpha: number;
  /**
   * Error scale floor as a fraction of the value range seen so far: a change smaller than this
   * is never a surprise (quantised or near-flat series). NAB dev standard 66.00 → 66.63 from
   * 0.0005 to 0.0015 (0.001–0.002 about the same, 0.003 worse).
   */
  floorFraction: number;
  /** Window lengths (points) of the Gamma surprise tests. */
  windows: number[];
  /** Points before any score is emitted. */
  warmupPoints: number;
  /** Per-point decay of the record of recent surprises. */
  recordDecay: number;
  /** A point fires when its surprise exceeds margin × record. */
  margin: number;
  /**
   * Points after a confident firing during which its burst does not fire again: a jump's
   * surprise keeps growing for a few points as the k-windows fill, and every extra alarm
   * outside a labelled window is a false positive. A weaker first firing may still be raised.
   * NAB dev standard / low FP / low FN: 64.00 / 48.30 / 71.15 → 66.00 / 52.30 / 72.48 (about
   * the same for 6–20 points and a confidence of 7–10 nats).
   */
  refirePoints: number;
  /** Surprise (nats) from which a firing is confident (e^−8 ≈ 3e-4 by the Gamma tail). */
  confidentSurprise: number;
  /** Time-of-day slots of the daily recurrence memory (24: hours). */
  recurrenceSlots: number;
  /** Surprise (nats) cap, so one huge event does not mute the series for long. */
  surpriseCap: number;
  /** Score = s / (s + scoreScale) for the emitted surprise s (monotone, never saturates to 1). */
  scoreScale: number;
  novelty: NoveltyOptions;
  /**
   * Weight of recent novelty: score × (1 − w + w × novelty), for surprises, shifts and shape
   * novelty alike (a window of a new shape made of familiar value transitions is doubtful too:
   * NAB dev standard / low FP / low FN 71.25 / 59.01 / 77.20 → 72.13 / 61.09 / 77.78 when shape
   * novelty took the boost, 13 fewer false positives over 8 files; 0.4–0.6 gain, 0.7 loses a window).
   */
  noveltyWeight: number;
  noveltyDecay: number;
  shape: ShapeOptions;
  /** Shape novelty's share of the score: score = max(surprise score, shapeWeight × shape score). */
  shapeWeight: number;
  /** Points after an emitted score during which a weaker shape score, and any shift, is muted (one event, one alarm). */
  shapeQuietPoints: number;
  /**
   * Points over which trust in shape novelty ramps up linearly from 0 to full: an ART that has
   * learned few windows finds many of them novel, and early novel shapes were mostly false alarms.
   * NAB dev standard / low FP / low FN 66.63 / 53.03 / 72.91 → 68.19 / 56.24 / 73.94 (2500–3500
   * points about the same; 4000 is worse).
   */
  shapeMaturityPoints: number;
  /**
   * Sustained-shift evidence (`shift.ts`), scored like a surprise and ramped in over
   * `shapeMaturityPoints` (a run that beats few earlier runs is weak evidence). NAB dev standard /
   * low FP / low FN 68.19 / 56.24 / 73.94 → 71.05 / 58.61 / 77.07: two slow level rises missed
   * before are caught, at ~5 more false positives. Without the ramp 69.8–70.6 standard over
   * δ 0.7–1.5σ, margin 1.35–2 and a record half-life of 1400–7000 points. Muted for
   * `shapeQuietPoints` after any alarm, like shape novelty: 71.25 / 59.01 / 77.20.
   */
  shift: ShiftOptions;
}

export const VIGIL_DEFAULTS: VigilOptions = {
  levelAlpha: 0.05,
  hwLevelAlpha: 0.1,
  seasonAlpha: 0.25,
  maeAlpha: 0.01,
  selectAlpha: 0.005,
  floorFraction: 0.0015,
  windows: [1, 6],
  warmupPoints: 150,
  recordDecay: 0.997,
  margin: 1.35,
  refirePoints: 6,
  confidentSurprise: 8,
  recurrenceSlots: 24,
  surpriseCap: 30,
  scoreScale: 10,
  novelty: { levels: 16, maxOrder: 6, tableBits: 16 },
  noveltyWeight: 0.6,
  noveltyDecay: 0.95,
  shape: SHAPE_DEFAULTS,
  shapeWeight: 0.75,
  shapeQuietPoints: 40,
  shapeMaturityPoints: 3000,
  shift: SHIFT_DEFAULTS,
};

/** Deltas sampled to learn the sampling interval (their median). */
const INTERVAL_SAMPLES = 15;

/** Bumped whenever the state's layout changes, so older snapshots are refused (and relearned) rather than misread. */
export const VIGIL_STATE_VERSION = 5;

export interface VigilState {
  kind: 'vigil';
  version: number;
  options: VigilOptions;
  n: number;
  lastTs: number;
  deltas: Float64Array;
  nDeltas: number;
  intervalMs: number;
  min: number;
  max: number;
  level: number;
  levelMae: number;
  levelSelErr: number;
  seasonals: Seasonal[];
  zRing: Float64Array;
  zHead: number;
  zSums: Float64Array;
  record: number;
  recurrence: DailyRecurrence;
  novelty: NoveltyState;
  noveltyRecent: number;
  shape: ShapeState;
  shift: ShiftState;
  lastScore: number;
  lastScoreN: number;
  /** Last point whose surprise was muted as a daily recurrence or as part of a reported burst. */
  recurringN: number;
  /** Last point whose surprise fired, and that surprise. */
  firedN: number;
  firedSurprise: number;
  out: StepResult;
}

export function createVigil(options: Partial<VigilOptions> = {}): VigilState {
  const o: VigilOptions = {
    ...VIGIL_DEFAULTS,
    ...options,
    novelty: { ...VIGIL_DEFAULTS.novelty, ...options.novelty },
    shape: { ...VIGIL_DEFAULTS.shape, ...options.shape },
    shift: { ...VIGIL_DEFAULTS.shift, ...options.shift },
  };
  return {
    kind: 'vigil',
    version: VIGIL_STATE_VERSION,
    options: o,
    n: 0,
    lastTs: 0,
    deltas: new Float64Array(INTERVAL_SAMPLES),
    nDeltas: 0,
    intervalMs: 0,
    min: 0,
    max: 0,
    level: 0,
    levelMae: 0,
    levelSelErr: 0,
    seasonals: [],
    zRing: new Float64Array(Math.max(...o.windows)),
    zHead: 0,
    zSums: new Float64Array(o.windows.length),
    record: 0,
    recurrence: createRecurrence(o.recurrenceSlots),
    novelty: createNovelty(o.novelty),
    noveltyRecent: 0,
    shape: createShape(o.shape),
    shift: createShift(),
    lastScore: 0,
    lastScoreN: 0,
    recurringN: -1e9,
    firedN: -1e9,
    firedSurprise: 0,
    out: emptyResult(),
  };
}

/** Learns the sampling interval once, then allocates the seasonal models (one-time). */
function learnInterval(s: VigilState, timestampMs: number): void {
  if (s.intervalMs > 0 || s.n === 0) return;
  const delta = timestampMs - s.lastTs;
  if (delta <= 0) return;
  s.deltas[s.nDeltas++] = delta;
  if (s.nDeltas < INTERVAL_SAMPLES) return;
  const sorted = s.deltas.slice().sort(); // a typed array sorts numerically
  s.intervalMs = sorted[INTERVAL_SAMPLES >> 1];
  for (const periodMs of [DAY_MS, 7 * DAY_MS]) {
    const sea = createSeasonal(periodMs, s.intervalMs, s.level);
    if (sea) s.seasonals.push(sea);
  }
}

/** Adds z to the ring and returns the largest Gamma-tail surprise over the windows. */
function windowSurprise(s: VigilState, z: number): number {
  const windows = s.options.windows;
  const size = s.zRing.length;
  let surprise = 0;
  for (let w = 0; w < windows.length; w++) {
    const k = windows[w];
    // zRing[zHead] is the previous point's z; the one leaving a k-window is k−1 behind it.
    const leaving = s.zHead - k + 1;
    s.zSums[w] += z - s.zRing[leaving < 0 ? leaving + size : leaving];
    if (s.n >= k) surprise = Math.max(surprise, gammaTailSurprise(k, s.zSums[w]));
  }
  s.zHead = s.zHead + 1 === size ? 0 : s.zHead + 1;
  s.zRing[s.zHead] = z;
  return surprise;
}

export function stepVigil(s: VigilState, timestampMs: number, value: number): StepResult {
  const out = s.out;
  const o = s.options;
  if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) {
    out.score = 0;
    return out;
  }
  learnInterval(s, timestampMs);
  s.lastTs = timestampMs;
  if (s.n === 0) {
    s.min = value;
    s.max = value;
    s.level = value;
  }
  s.n++;
  if (value < s.min) s.min = value;
  if (value > s.max) s.max = value;
  const novelty = stepNovelty(s.novelty, o.novelty, value);
  const shapeTrust = Math.min(1, s.n / o.shapeMaturityPoints);
  const shapeRaw = o.shapeWeight > 0 ? o.shapeWeight * shapeTrust * stepShape(s.shape, o.shape, value) : 0;
  const floor = Math.max(1e-12, o.floorFraction * (s.max - s.min));

  // Predict with the model of lowest running error, then update every model.
  let pred = s.level;
  let mae = s.levelMae;
  let bestErr = s.levelSelErr;
  let seasonalOffset = 0;
  for (let i = 0; i < s.seasonals.length; i++) {
    const sea = s.seasonals[i];
    enterBucket(sea, timestampMs);
    const p = seasonalPrediction(sea);
    if (!Number.isNaN(p) && sea.selErr < bestErr * 0.9) {
      pred = p;
      seasonalOffset = sea.season[sea.bucket];
      mae = sea.mae;
      bestErr = sea.selErr;
    }
  }
  const scale = Math.max(mae, floor);
  const z = Math.abs(value - pred) / scale;
  out.expected = pred;
  out.lower = pred - 4 * scale;
  out.upper = pred + 4 * scale;

  const eLevel = Math.abs(value - s.level);
  s.levelMae += o.maeAlpha * (eLevel - s.levelMae);
  s.levelSelErr += o.selectAlpha * (eLevel - s.levelSelErr);
  s.level += o.levelAlpha * (value - s.level);
  for (let i = 0; i < s.seasonals.length; i++) updateSeasonal(s.seasonals[i], value, o);

  const surprise = Math.min(o.surpriseCap, windowSurprise(s, z));
  const shiftEvidence = stepShift(s.shift, o.shift, value - seasonalOffset, floor, s.n >= o.warmupPoints);
  s.noveltyRecent = Math.max(s.noveltyRecent * o.noveltyDecay, novelty);
  if (s.n < o.warmupPoints) {
    out.score = 0;
    return out;
  }
  if (s.n === o.warmupPoints) s.record = surprise;
  const news = surprise > o.margin * Math.max(s.record, 1e-9);
  const sameBurst = s.n - s.firedN <= o.refirePoints && s.firedSurprise >= o.confidentSurprise;
  const fires = news && !sameBurst && surprise > o.margin * recurringSurprise(s.recurrence, timestampMs);
  if (fires) {
    s.firedN = s.n;
    s.firedSurprise = surprise;
  }
  learnRecurrence(s.recurrence, timestampMs, surprise);
  s.record = Math.max(s.record * o.recordDecay, surprise);
  const emitted = fires ? surprise : 0;
  // Novelty sharpens doubtful surprises; one at the cap is beyond doubt and keeps its full weight.
  const boost = emitted >= o.surpriseCap ? 1 : 1 - o.noveltyWeight + o.noveltyWeight * s.noveltyRecent;
  const surpriseScore = (boost * emitted) / (emitted + o.scoreScale);
  // Not news: a window whose surprise the daily recurrence gate just muted, a burst that
  // has just fired confidently, or an event already reported at least as strongly.
  if (news && !fires) s.recurringN = s.n;
  let shapeScore = shapeRaw * (1 - o.noveltyWeight + o.noveltyWeight * s.noveltyRecent);
  if (s.n - s.recurringN <= o.shapeQuietPoints) shapeScore = 0;
  if (s.n - s.lastScoreN <= o.shapeQuietPoints && s.lastScore >= shapeScore) shapeScore = 0;
  // A shift that builds up right after an alarm is that event going on, not a second one.
  const shiftReported = shiftNews(s.shift, o.shift, shiftEvidence, o.margin, o.confidentSurprise);
  const shiftScore =
    shiftReported && s.n - s.lastScoreN > o.shapeQuietPoints
      ? (Math.min(1, s.n / o.shapeMaturityPoints) * boost * shiftEvidence) / (shiftEvidence + o.scoreScale)
      : 0;
  out.score = Math.max(surpriseScore, shapeScore, shiftScore);
  if (out.score > 0 && (out.score >= s.lastScore || s.n - s.lastScoreN > o.shapeQuietPoints)) {
    s.lastScore = out.score;
    s.lastScoreN = s.n;
  }
  return out;
}
