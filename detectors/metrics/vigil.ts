import { gammaTailSurprise, normalTailSurprise } from './math.js';
import { emptyResult, type StepResult } from './types.js';

export interface VigilOptions {
  levelAlpha: number;
  hwLevelAlpha: number;
  seasonAlpha: number;
  maeAlpha: number;
  selectAlpha: number;
  floorFraction: number;
  windows: number[];
  warmupPoints: number;
  recordDecay: number;
  scoreScale: number;
  margin: number;
  useRatio: number;
  zCap: number;
  minOver: number;
  rarityPower: number;
  slowDecay: number;
  mode: number;
  rScale: number;
  minVar: number;
  kPower: number;
  rAlpha: number;
  surpriseCap: number;
  restPoints: number;
  calibrate: number;
  qRate: number;
  qLevel: number;
}

export const VIGIL_DEFAULTS: VigilOptions = {
  levelAlpha: 0.2,
  hwLevelAlpha: 0.1,
  seasonAlpha: 0.25,
  maeAlpha: 0.01,
  selectAlpha: 0.005,
  floorFraction: 0.002,
  windows: [1, 6, 30],
  warmupPoints: 150,
  recordDecay: 0.995,
  scoreScale: 10,
  margin: 1.5,
  useRatio: 0,
  zCap: 1000,
  minOver: 0,
  rarityPower: 0,
  slowDecay: 0.9995,
  mode: 0,
  rScale: 3,
  minVar: 1e-4,
  kPower: 0,
  rAlpha: 0.001,
  surpriseCap: 1e9,
  restPoints: 0,
  calibrate: 0,
  qRate: 0.05,
  qLevel: 0.99,
};

const DAY_MS = 86_400_000;
const INTERVAL_SAMPLES = 15;
const MAX_BUCKETS = 10_080;

interface Seasonal {
  periodMs: number;
  buckets: number;
  season: number[];
  seen: number[];
  level: number;
}

export interface VigilState {
  kind: 'vigil';
  options: VigilOptions;
  n: number;
  lastTs: number;
  deltas: number[];
  nDeltas: number;
  intervalMs: number;
  min: number;
  max: number;
  level: number;
  seasonals: Seasonal[];
  /** Per predictor (0 = level, then seasonals): EW mean absolute error and slower selection error. */
  mae: number[];
  selErr: number[];
  uses: number[];
  zRing: number[];
  zHead: number;
  zSums: number[];
  record: number;
  q: number;
  lastFire: number;
  restUntil: number;
  rMean: number;
  rVar: number;
  slowRecord: number;
  out: StepResult;
}

export function createVigil(options: Partial<VigilOptions> = {}): VigilState {
  const o = { ...VIGIL_DEFAULTS, ...options };
  const maxK = Math.max(...o.windows);
  return {
    kind: 'vigil',
    options: o,
    n: 0,
    lastTs: 0,
    deltas: new Array<number>(INTERVAL_SAMPLES).fill(0),
    nDeltas: 0,
    intervalMs: 0,
    min: 0,
    max: 0,
    level: 0,
    seasonals: [],
    mae: [0, 0, 0],
    selErr: [0, 0, 0],
    uses: [0, 0, 0],
    zRing: new Array<number>(maxK).fill(0),
    zHead: 0,
    zSums: new Array<number>(o.windows.length).fill(0),
    record: 0,
    q: 0,
    lastFire: 0,
    restUntil: 0,
    rMean: 0,
    rVar: 0,
    slowRecord: 0,
    out: emptyResult(),
  };
}

function learnInterval(s: VigilState, timestampMs: number): void {
  if (s.intervalMs > 0 || s.n === 0) return;
  const delta = timestampMs - s.lastTs;
  if (delta <= 0) return;
  s.deltas[s.nDeltas++] = delta;
  if (s.nDeltas < INTERVAL_SAMPLES) return;
  const sorted = s.deltas.slice().sort((a, b) => a - b);
  s.intervalMs = sorted[INTERVAL_SAMPLES >> 1];
  for (const periodMs of [DAY_MS, 7 * DAY_MS]) {
    const buckets = Math.round(periodMs / s.intervalMs);
    if (buckets < 4 || buckets > MAX_BUCKETS) continue;
    s.seasonals.push({ periodMs, buckets, season: new Array<number>(buckets).fill(0), seen: new Array<number>(buckets).fill(0), level: s.level });
  }
}

function bucketOf(sea: Seasonal, timestampMs: number): number {
  const phase = ((timestampMs % sea.periodMs) + sea.periodMs) % sea.periodMs;
  return Math.min(sea.buckets - 1, Math.floor((phase / sea.periodMs) * sea.buckets));
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
  const floor = Math.max(1e-12, o.floorFraction * (s.max - s.min));

  // Pick the predictor with the lowest long-run error; seasonal ones only once a full period is seen.
  let best = 0;
  let bestPred = s.level;
  let bestErr = s.selErr[0];
  for (let p = 0; p < s.seasonals.length; p++) {
    const sea = s.seasonals[p];
    const b = bucketOf(sea, timestampMs);
    if (sea.seen[b] === 0 || s.uses[p + 1] < sea.buckets) continue;
    if (s.selErr[p + 1] < bestErr * 0.9) {
      best = p + 1;
      bestErr = s.selErr[p + 1];
      bestPred = sea.level + sea.season[b];
    }
  }
  const scale = Math.max(s.mae[best], floor);
  let z = Math.min(o.zCap, Math.abs(value - bestPred) / scale);
  if (o.minOver) {
    z = Math.min(z, Math.abs(value - s.level) / Math.max(s.mae[0], floor));
    for (let p = 0; p < s.seasonals.length; p++) {
      const sea = s.seasonals[p];
      const b = bucketOf(sea, timestampMs);
      if (sea.seen[b] === 0 || s.uses[p + 1] < sea.buckets) continue;
      z = Math.min(z, Math.abs(value - sea.level - sea.season[b]) / Math.max(s.mae[p + 1], floor));
    }
  }
  out.expected = bestPred;
  out.lower = bestPred - 4 * scale;
  out.upper = bestPred + 4 * scale;

  // Update predictors and their error trackers.
  const eLevel = Math.abs(value - s.level);
  s.mae[0] += o.maeAlpha * (eLevel - s.mae[0]);
  s.selErr[0] += o.selectAlpha * (eLevel - s.selErr[0]);
  s.level += o.levelAlpha * (value - s.level);
  for (let p = 0; p < s.seasonals.length; p++) {
    const sea = s.seasonals[p];
    const b = bucketOf(sea, timestampMs);
    if (sea.seen[b] === 0) {
      sea.seen[b] = 1;
      sea.season[b] = value - sea.level;
    } else {
      const pred = sea.level + sea.season[b];
      const e = Math.abs(value - pred);
      s.uses[p + 1]++;
      s.mae[p + 1] += o.maeAlpha * (e - s.mae[p + 1]);
      s.selErr[p + 1] += o.selectAlpha * (e - s.selErr[p + 1]);
      const prevLevel = sea.level;
      sea.level += o.hwLevelAlpha * (value - sea.season[b] - sea.level);
      sea.season[b] += o.seasonAlpha * (value - prevLevel - sea.season[b]);
    }
  }

  // Windowed sums of z; each window is a Gamma(k, 1) test of "errors bigger than usual".
  const maxK = s.zRing.length;
  let surprise = 0;
  const input = o.mode === 1 ? 1 - Math.exp(-z / o.rScale) : z;
  const sd = Math.sqrt(Math.max(s.rVar, o.minVar));
  for (let w = 0; w < o.windows.length; w++) {
    const k = o.windows[w];
    const leaving = s.zRing[(s.zHead - k + 1 + maxK * 2) % maxK];
    s.zSums[w] += input - (s.n > k ? leaving : 0);
    if (s.n < k) continue;
    const t = o.mode === 1 ? normalTailSurprise(((s.zSums[w] / k - s.rMean) / sd) * Math.pow(k, o.kPower)) : gammaTailSurprise(k, s.zSums[w]);
    surprise = Math.max(surprise, t);
  }
  // zRing holds the last maxK inputs; write after computing leaving values.
  s.zHead = (s.zHead + 1) % maxK;
  s.zRing[s.zHead] = input;
  const dr = input - s.rMean;
  s.rMean += o.rAlpha * dr;
  s.rVar = (1 - o.rAlpha) * (s.rVar + o.rAlpha * dr * dr);

  if (s.n < o.warmupPoints) {
    out.score = 0;
    return out;
  }
  if (s.n === o.warmupPoints) {
    s.record = surprise;
    s.slowRecord = surprise;
    s.q = Math.log1p(surprise);
  }
  // Emit once per burst: only a surprise above the decaying record of recent surprises scores.
  surprise = Math.min(surprise, o.surpriseCap);
  const ratio = surprise / Math.max(s.record, 1e-9);
  const inRest = s.n < s.restUntil;
  let fresh = 0;
  if (ratio > o.margin && (!inRest || surprise > o.margin * s.lastFire)) {
    fresh = o.calibrate ? Math.max(0, Math.log1p(surprise) - s.q) : surprise;
    s.lastFire = surprise;
    s.restUntil = s.n + o.restPoints;
  }
  s.record = Math.max(s.record * o.recordDecay, surprise);
  const u = Math.log1p(surprise);
  s.q += o.qRate * ((u > s.q ? 1 : 0) - (1 - o.qLevel));
  out.score = fresh / (fresh + o.scoreScale);
  return out;
}
