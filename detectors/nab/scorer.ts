import type { CostProfile } from './corpus.js';

/**
 * NAB v1.1's scorer (nab/sweeper.py, nab/optimizer.py, Runner.normalize), as
 * described in benchmarks/NAB.md. Pure functions over in-memory scores so the
 * same code serves the CLI, tests and tuning loops.
 */

/** One file to score: detector scores per row and inclusive anomaly windows as row ranges. */
export interface ScoredFile {
  name: string;
  scores: ArrayLike<number>;
  windows: Array<[number, number]>;
}

export interface ProfileResult {
  threshold: number;
  rawScore: number;
  nullRawScore: number;
  perfectRawScore: number;
  /** 100 × (raw − null) / (perfect − null). */
  score: number;
  perFile: FileScore[];
}

/** One file at the chosen threshold: where its points were won and lost. */
export interface FileScore {
  name: string;
  rawScore: number;
  detections: number;
  /** Per scored window, in file order: its first detection (row, value earned) or null for a miss. */
  windows: Array<{ left: number; right: number; firstDetection: { row: number; value: number } | null }>;
  /** Detections outside every window, and what they cost together (≤ 0). */
  falsePositives: number;
  falsePositiveCost: number;
}

/** From 3 windows' widths past a window on, a false positive costs the full weight (sweeper.py: `>= 3.0`). */
export function scaledSigmoid(y: number): number {
  if (y >= 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** NAB probationary period: min(floor(0.15 n), 0.15 × 5000) rows are not scored. */
export function probationRows(n: number): number {
  return Math.min(Math.floor(0.15 * n), 0.15 * 5000);
}

/** What a detection at each row would be worth (`calcSweepScore`), and which window the row is in (-1: none). */
export function rowValues(n: number, windows: Array<[number, number]>, profile: CostProfile): { value: Float64Array; window: Int32Array } {
  const value = new Float64Array(n);
  const window = new Int32Array(n).fill(-1);
  const maxTp = scaledSigmoid(-1);
  const sorted = windows.map((w, id) => ({ l: w[0], r: w[1], id })).sort((a, b) => a.l - b.l);
  let next = 0;
  let cur: { l: number; r: number; id: number } | undefined;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    if (!cur && next < sorted.length && sorted[next].l === i) cur = sorted[next++];
    if (cur) {
      const width = cur.r - cur.l + 1;
      value[i] = (profile.tpWeight * scaledSigmoid(-(cur.r - i + 1) / width)) / maxTp;
      window[i] = cur.id;
    } else if (prevRight < 0) {
      value[i] = -profile.fpWeight;
    } else {
      value[i] = profile.fpWeight * scaledSigmoid(Math.abs(i - prevRight) / (prevWidth - 1));
    }
    if (cur && i === cur.r) {
      prevRight = cur.r;
      prevWidth = cur.r - cur.l + 1;
      cur = undefined;
    }
  }
  return { value, window };
}

interface PooledRow {
  file: number;
  score: number;
  value: number;
  /** Corpus-wide window id, or -1. */
  window: number;
}

function poolRows(files: ScoredFile[], profile: CostProfile): PooledRow[] {
  const rows: PooledRow[] = [];
  let windowBase = 0;
  files.forEach((f, fileIdx) => {
    const n = f.scores.length;
    const { value, window } = rowValues(n, f.windows, profile);
    for (let i = probationRows(n); i < n; i++) {
      const w = window[i] < 0 ? -1 : windowBase + window[i];
      rows.push({ file: fileIdx, score: f.scores[i], value: value[i], window: w });
    }
    windowBase += f.windows.length;
  });
  // Stable sort, descending: ties keep file/row order like Python's sorted(reverse=True).
  rows.sort((a, b) => b.score - a.score);
  return rows;
}

/**
 * Sweeps every distinct score as a threshold over all files pooled
 * (`optimizeThreshold`); returns the best threshold (ties: the highest) and its raw score.
 */
export function optimizeThreshold(files: ScoredFile[], profile: CostProfile): { threshold: number; rawScore: number } {
  const rows = poolRows(files, profile);
  const windowBest = new Map<number, number>();
  for (const r of rows) if (r.window >= 0) windowBest.set(r.window, -profile.fnWeight);
  let windowSum = -profile.fnWeight * windowBest.size;
  let fpSum = 0;
  let curThreshold = 1.1;
  let best = { threshold: curThreshold, rawScore: windowSum };
  for (const r of rows) {
    if (r.score !== curThreshold) {
      const s = windowSum + fpSum;
      if (s > best.rawScore) best = { threshold: curThreshold, rawScore: s };
      curThreshold = r.score;
    }
    if (r.window >= 0) {
      const prev = windowBest.get(r.window)!;
      if (r.value > prev) {
        windowSum += r.value - prev;
        windowBest.set(r.window, r.value);
      }
    } else {
      fpSum += r.value;
    }
  }
  const s = windowSum + fpSum;
  if (s > best.rawScore) best = { threshold: curThreshold, rawScore: s };
  return best;
}

/** Raw score of each file when every non-probationary row with score ≥ threshold is a detection. */
export function scoreAtThreshold(files: ScoredFile[], profile: CostProfile, threshold: number): FileScore[] {
  return files.map((f) => {
    const n = f.scores.length;
    const { value, window } = rowValues(n, f.windows, profile);
    const windowBest = new Map<number, number>();
    const first = new Map<number, number>();
    let fpCost = 0;
    let fpCount = 0;
    let detections = 0;
    for (let i = probationRows(n); i < n; i++) {
      const w = window[i];
      if (w >= 0 && !windowBest.has(w)) windowBest.set(w, -profile.fnWeight);
      if (f.scores[i] < threshold) continue;
      detections++;
      if (w >= 0) {
        windowBest.set(w, Math.max(windowBest.get(w)!, value[i]));
        if (!first.has(w)) first.set(w, i);
      } else {
        fpCost += value[i];
        fpCount++;
      }
    }
    let raw = fpCost;
    for (const v of windowBest.values()) raw += v;
    const windows = f.windows
      .map(([left, right], id) => ({ left, right, id }))
      .filter((w) => windowBest.has(w.id))
      .sort((a, b) => a.left - b.left)
      .map(({ left, right, id }) => {
        const row = first.get(id);
        return { left, right, firstDetection: row === undefined ? null : { row, value: value[row] } };
      });
    return { name: f.name, rawScore: raw, detections, windows, falsePositives: fpCount, falsePositiveCost: fpCost };
  });
}

/** Optimises the threshold for one profile and normalises against the null detector (constant 0.5) and the perfect one. */
export function scoreProfile(files: ScoredFile[], profile: CostProfile): ProfileResult {
  const { threshold, rawScore } = optimizeThreshold(files, profile);
  const nullFiles = files.map((f) => ({ ...f, scores: new Float64Array(f.scores.length).fill(0.5) }));
  const nullRawScore = optimizeThreshold(nullFiles, profile).rawScore;
  const perfectRawScore = profile.tpWeight * files.reduce((sum, f) => sum + f.windows.length, 0);
  const score = (100 * (rawScore - nullRawScore)) / (perfectRawScore - nullRawScore);
  return { threshold, rawScore, nullRawScore, perfectRawScore, score, perFile: scoreAtThreshold(files, profile, threshold) };
}
