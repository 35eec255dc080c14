import { createArt, learnArt, matchArt, rescaleArt, resetArt, toUnits, type ArtState } from './art.js';

/**
 * Shape novelty after ARTime (Hampton, NAB 2021): the recent window of a downsampled,
 * causally normalised series is summarised as its levels plus the Haar wavelet of its
 * shape, and clustered online by dual-vigilance fuzzy ART. A window that resonates with no
 * prototype, not even at the lower vigilance, is a novel shape; it scores by how far it
 * falls below the vigilance bounds. Vigilance is fitted to the series during warm-up and
 * then follows its typical similarity, so steady-state novelty stays rare; after a
 * detection (or a new category, or a vigilance change) the detector is masked for a
 * while unless the match is clearly worse ("emit once, then suppress").
 */
export interface ShapeOptions {
  /** Raw points summarised by one downsampled point (one feature step). */
  blockPoints: number;
  /** Downsampled points per feature window (a power of two, for the Haar transform). */
  windowSteps: number;
  /**
   * Feature steps between matched windows. 2 (every other block) halves the ART work, the
   * bulk of the detector's cost; NAB dev gained by it (62.70 → 63.50) with warm-up and mask
   * kept at the same duration in points.
   */
  strideSteps: number;
  /** Bound on ART prototypes; when full, the least recently matched one is replaced. */
  maxPrototypes: number;
  /** Windows buffered before vigilance is fitted and scoring starts. */
  warmupWindows: number;
  /** Vigilance used to measure the typical similarity during warm-up (ARTime: 0.8). */
  initialRho: number;
  /** Upper vigilance cap (ARTime: 0.97). */
  rhoCap: number;
  /** Windows masked after a detection or a new category (ARTime: 1.5 × windowSteps feature steps, i.e. 12 steps = 6 windows at stride 2). */
  maskWindows: number;
  /** A block's extreme replaces its mean only if it departs by this fraction of the range. */
  spikeFraction: number;
  /** Values within this fraction of the range from the running median snap to it (ARTime: 0.075). */
  chompFraction: number;
  /** Headroom added when the running range is exceeded, so expansions stay rare. */
  rangeHeadroom: number;
}

export const SHAPE_DEFAULTS: ShapeOptions = {
  blockPoints: 5,
  windowSteps: 8,
  strideSteps: 2,
  maxPrototypes: 64,
  warmupWindows: 52,
  initialRho: 0.8,
  rhoCap: 0.97,
  maskWindows: 6,
  spikeFraction: 0.05,
  chompFraction: 0.075,
  rangeHeadroom: 0.05,
};

export interface ShapeState {
  n: number;
  /** Feature steps so far. */
  steps: number;
  blockSum: number;
  blockMin: number;
  blockMax: number;
  blockCount: number;
  movingAverage: number;
  median: number;
  /** Normalisation range: values map to (v − lo) / (hi − lo). */
  lo: number;
  hi: number;
  /** Last `windowSteps` downsampled raw values (ring). */
  ring: Float64Array;
  ringHead: number;
  /** Warm-up inputs (warmupWindows × dim), replayed once vigilance is fitted, then dropped. */
  warmup: Uint16Array;
  art: ArtState;
  rhoLow: number;
  rhoHigh: number;
  simSum: number;
  simCount: number;
  /** Recent similarities (half a warm-up) and recent (rhoHigh − similarity) (a warm-up). */
  simRing: Float64Array;
  diffRing: Float64Array;
  lastAnomalyStep: number;
  lastAnomalySim: number;
  anomalySimSum: number;
  anomalySimCount: number;
  lastRhoUpdateStep: number;
  maskAfterCategory: boolean;
  stepsSinceNewCluster: number;
  features: Float64Array;
  /** The features quantised for ART (UNITs). */
  input: Uint16Array;
  scratch: Float64Array;
}

export function createShape(o: ShapeOptions): ShapeState {
  const dim = 2 * o.windowSteps;
  return {
    n: 0,
    steps: 0,
    blockSum: 0,
    blockMin: 0,
    blockMax: 0,
    blockCount: 0,
    movingAverage: 0,
    median: 0,
    lo: 0,
    hi: 0,
    ring: new Float64Array(o.windowSteps),
    ringHead: 0,
    warmup: new Uint16Array(o.warmupWindows * dim),
    art: createArt(o.maxPrototypes, dim, o.windowSteps * 2 - 1),
    rhoLow: o.initialRho,
    rhoHigh: o.initialRho,
    simSum: 0,
    simCount: 0,
    simRing: new Float64Array((o.warmupWindows >> 1) + 1).fill(1),
    diffRing: new Float64Array(o.warmupWindows + 1),
    lastAnomalyStep: -1e9,
    lastAnomalySim: 0,
    anomalySimSum: 0,
    anomalySimCount: 0,
    lastRhoUpdateStep: 0,
    maskAfterCategory: false,
    stepsSinceNewCluster: 0,
    features: new Float64Array(dim),
    input: new Uint16Array(dim),
    scratch: new Float64Array(o.windowSteps),
  };
}

/** Widens the normalisation range to hold v (with headroom) and maps stored prototypes along. */
function expandRange(s: ShapeState, o: ShapeOptions, v: number): void {
  if (s.n === 1) {
    s.lo = v;
    s.hi = v;
    return;
  }
  if (v >= s.lo && v <= s.hi) return;
  const span = Math.max(s.hi - s.lo, Math.abs(v) * 1e-9, 1e-12);
  const lo = v < s.lo ? v - o.rangeHeadroom * span : s.lo;
  const hi = v > s.hi ? v + o.rangeHeadroom * span : s.hi;
  if (s.hi > s.lo) rescaleArt(s.art, o.windowSteps, o.windowSteps, (s.hi - s.lo) / (hi - lo), (s.lo - lo) / (hi - lo));
  s.lo = lo;
  s.hi = hi;
}

/** Orthonormal multi-level Haar transform of a (power-of-two) window, in place. */
function haar(x: Float64Array, tmp: Float64Array, len: number): void {
  for (let n = len; n > 1; n >>= 1) {
    const half = n >> 1;
    for (let i = 0; i < half; i++) {
      tmp[i] = (x[2 * i] + x[2 * i + 1]) * Math.SQRT1_2;
      tmp[half + i] = (x[2 * i] - x[2 * i + 1]) * Math.SQRT1_2;
    }
    for (let i = 0; i < n; i++) x[i] = tmp[i];
  }
}

/** Min-max scales x[from, from+len) to [0, 1] (constant → 0). */
function unitScale(x: Float64Array, from: number, len: number): void {
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = from; i < from + len; i++) {
    if (x[i] < mn) mn = x[i];
    if (x[i] > mx) mx = x[i];
  }
  const inv = mx > mn ? 1 / (mx - mn) : 0;
  for (let i = from; i < from + len; i++) x[i] = (x[i] - mn) * inv;
}

/** Features of the current window: [Haar of its shape | its levels], levels last-in-time last; quantised into `input`. */
function extractFeatures(s: ShapeState, o: ShapeOptions): void {
  const w = o.windowSteps;
  const f = s.features;
  const span = s.hi - s.lo;
  for (let k = 0, r = s.ringHead; k < w; k++, r = r + 1 === w ? 0 : r + 1) {
    const level = span > 0 ? (s.ring[r] - s.lo) / span : 0;
    f[w + k] = level;
    f[k] = level;
  }
  unitScale(f, 0, w);
  haar(f, s.scratch, w);
  unitScale(f, 0, w);
  for (let d = 0; d < f.length; d++) s.input[d] = toUnits(f[d]);
}

/** Downsamples one block: its mean, or its extreme when that departs from the trend (a spike). */
function downsample(s: ShapeState, o: ShapeOptions): number {
  const mean = s.blockSum / s.blockCount;
  if (s.steps === 0) {
    s.movingAverage = mean;
    s.median = mean;
  }
  s.movingAverage = (s.movingAverage + mean) / 2;
  let ds = Math.abs(s.blockMax - s.movingAverage) >= Math.abs(s.blockMin - s.movingAverage) ? s.blockMax : s.blockMin;
  const span = s.hi - s.lo;
  if (Math.abs(ds - mean) < o.spikeFraction * span) ds = mean;
  // Frugal streaming median (its step a small share of the range), to snap noise onto.
  s.median += (ds > s.median ? 1 : ds < s.median ? -1 : 0) * 0.005 * span;
  if (Math.abs(ds - s.median) < o.chompFraction * span) ds = s.median;
  return ds;
}

export function stepShape(s: ShapeState, o: ShapeOptions, value: number): number {
  s.n++;
  expandRange(s, o, value);
  if (s.blockCount === 0) {
    s.blockMin = value;
    s.blockMax = value;
  }
  s.blockSum += value;
  s.blockCount++;
  if (value < s.blockMin) s.blockMin = value;
  if (value > s.blockMax) s.blockMax = value;
  if (s.blockCount < o.blockPoints) return 0;
  const ds = downsample(s, o);
  s.blockSum = 0;
  s.blockCount = 0;
  s.ring[s.ringHead] = ds;
  s.ringHead = (s.ringHead + 1) % o.windowSteps;
  s.steps++;
  const full = s.steps - o.windowSteps;
  if (full < 0 || full % o.strideSteps !== 0) return 0;
  extractFeatures(s, o);
  const i = full / o.strideSteps; // index of this matched window
  if (i < o.warmupWindows) {
    s.warmup.set(s.input, i * s.input.length);
    if (i === o.warmupWindows - 1) fitVigilance(s, o);
    return 0;
  }
  return detect(s, o, s.input, i, true);
}

/**
 * ARTime's warm-up: measure the typical best-match similarity of the warm-up windows at the
 * initial vigilance, use it as both bounds, and replay the warm-up through a fresh ART.
 */
function fitVigilance(s: ShapeState, o: ShapeOptions): void {
  const dim = s.input.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < o.warmupWindows; i++) {
    const x = s.warmup.subarray(i * dim, (i + 1) * dim);
    const m = matchArt(s.art, x);
    learnArt(s.art, x, m, o.initialRho, o.initialRho);
    if (i >= o.warmupWindows >> 1) {
      sum += s.art.bestSim;
      count++;
    }
  }
  const rho = Math.min(o.rhoCap, sum / count);
  resetArt(s.art);
  s.rhoLow = rho;
  s.rhoHigh = rho;
  for (let i = 0; i < o.warmupWindows; i++) detect(s, o, s.warmup.subarray(i * dim, (i + 1) * dim), i, false);
  s.warmup = new Uint16Array(0);
}

function detect(s: ShapeState, o: ShapeOptions, x: Uint16Array, i: number, scoring: boolean): number {
  const art = s.art;
  const sinceAnomaly = i - s.lastAnomalyStep;
  const updateAfterAnomaly = sinceAnomaly === o.maskWindows;
  const updateForTrend = i - s.lastRhoUpdateStep >= o.warmupWindows >> 1;
  const maskAfterAnomaly = sinceAnomaly <= o.maskWindows;
  if (s.maskAfterCategory && i > o.warmupWindows + o.maskWindows && s.stepsSinceNewCluster >= o.maskWindows) s.maskAfterCategory = false;
  const m = matchArt(art, x);
  const novel = learnArt(art, x, m, s.rhoLow, s.rhoHigh);
  const sim = art.bestSim;
  s.stepsSinceNewCluster = novel ? 0 : s.stepsSinceNewCluster + 1;
  s.simSum += sim;
  s.simCount++;
  s.simRing[i % s.simRing.length] = sim;
  s.diffRing[i % s.diffRing.length] = s.rhoHigh - sim;
  if (sinceAnomaly < o.maskWindows && s.anomalySimCount > 0 && sim < s.lastAnomalySim) {
    // Keep the lowest similarity of the current event as its record.
    s.anomalySimSum += sim - s.lastAnomalySim;
    s.lastAnomalySim = sim;
  }
  const masking = s.maskAfterCategory || maskAfterAnomaly;
  const belowLast = sim < s.lastAnomalySim * (maskAfterAnomaly ? 0.9 : 0.7);
  let score = 0;
  if (scoring && novel && (!masking || belowLast)) {
    score = confidence(sim, art.bestEnergy, s);
    s.anomalySimSum += sim;
    s.anomalySimCount++;
    s.lastAnomalySim = sim;
    s.lastAnomalyStep = i;
  }
  if (novel) s.maskAfterCategory = true;
  if (scoring && (updateAfterAnomaly || updateForTrend)) adaptVigilance(s, o, i);
  return score;
}

/** How far below both vigilance bounds the best match fell, plus how novel the current level is. */
function confidence(sim: number, energy: number, s: ShapeState): number {
  const a = Math.min(0.999, sim);
  const high = 1 - (1 - s.rhoHigh) / (1 - a);
  const low = 1 - (1 - s.rhoLow) / (1 - a);
  return Math.max(0, Math.min(1, 0.35 * high + 0.65 * low + 1.5 * (1 - energy)));
}

/** ARTime's vigilance schedule: the upper bound tracks the mean similarity; the lower one follows the recent minimum. */
function adaptVigilance(s: ShapeState, o: ShapeOptions, i: number): void {
  let minSim = Infinity;
  for (const v of s.simRing) if (v < minSim) minSim = v;
  const high = Math.min(o.rhoCap, s.simSum / s.simCount);
  let low = s.rhoLow;
  if (low <= minSim) {
    low += 0.19 * (minSim - low);
  } else {
    let decrease = 0;
    if (i > 2 * o.warmupWindows) {
      let sum = 0;
      let count = 0;
      for (const d of s.diffRing) {
        if (d > 0.05) {
          sum += Math.min(0.37, d);
          count++;
        }
      }
      if (count > 0) decrease = sum / count;
    }
    low -= Math.max(0.01, decrease) / 2;
    if (s.anomalySimCount > 0) low = Math.max(low, s.anomalySimSum / s.anomalySimCount);
  }
  s.rhoLow = Math.min(high, low);
  s.rhoHigh = high;
  s.lastRhoUpdateStep = i;
  s.maskAfterCategory = true;
}
