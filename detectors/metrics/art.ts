/**
 * Bounded dual-vigilance fuzzy ART (Carpenter, Grossberg & Rosen 1991; dual vigilance as in
 * ARTime's DVFA) over complement-coded inputs in [0, 1]. Prototypes are hyperboxes stored as
 * [low | 1 − high]; learning is fast commit (β = 1: w ← x ∧ w). The match of a prototype is
 * ARTime's: (|x ∧ w| / |w|)³ × (energy match)², the energy match being the same ratio on the
 * newest level only, so a familiar shape at an unseen level still mismatches.
 */
export interface ArtState {
  dim: number;
  maxPrototypes: number;
  /** Input index whose match is the "energy" (the newest level). */
  energyIndex: number;
  count: number;
  /** maxPrototypes × 2·dim weights. */
  weights: number[];
  /** Per prototype: |w|, the sum of its weights. */
  norms: number[];
  /** Per prototype: the clock of its last match or creation (for replacement when full). */
  lastUsed: number[];
  clock: number;
  best: number;
  bestSim: number;
  bestEnergy: number;
}

export function createArt(maxPrototypes: number, dim: number, energyIndex: number): ArtState {
  return {
    dim,
    maxPrototypes,
    energyIndex,
    count: 0,
    weights: new Array<number>(maxPrototypes * 2 * dim).fill(0),
    norms: new Array<number>(maxPrototypes).fill(0),
    lastUsed: new Array<number>(maxPrototypes).fill(0),
    clock: 0,
    best: -1,
    bestSim: 0,
    bestEnergy: 0,
  };
}

export function resetArt(art: ArtState): void {
  art.count = 0;
  art.clock = 0;
  art.best = -1;
  art.bestSim = 0;
  art.bestEnergy = 0;
}

/**
 * ARTime's match of prototype j: (|x ∧ w| / |w|)³ × energy², or a value ≤ `beat` as soon as
 * the rest of the prototype's weight could no longer lift it above `beat` (|x ∧ w| ≤ |w|).
 */
function matchOne(art: ArtState, x: number[], j: number, energy: number, beat: number): number {
  const dim = art.dim;
  const w = art.weights;
  const base = 2 * dim * j;
  const den = art.norms[j] > 0 ? art.norms[j] : 0.001;
  const scale = energy * energy;
  let num = 0;
  let left = art.norms[j];
  for (let d = 0; d < dim; d++) {
    const lowW = w[base + d];
    const compW = w[base + dim + d];
    const v = x[d];
    num += Math.min(v, lowW) + Math.min(1 - v, compW);
    left -= lowW + compW;
    if ((d & 3) === 3) {
      const bound = (num + left) / den;
      if (bound * bound * bound * scale <= beat) return 0;
    }
  }
  const fs = num / den;
  return fs * fs * fs * scale;
}

function energyOf(art: ArtState, x: number[], j: number): number {
  const w = art.weights;
  const base = 2 * art.dim * j;
  const e = art.energyIndex;
  const low = w[base + e];
  const comp = w[base + art.dim + e];
  const xe = x[e];
  const den = low + comp;
  return den > 0 ? (Math.min(xe, low) + Math.min(1 - xe, comp)) / den : 1;
}

/**
 * Finds the best-matching prototype for x (features in [0, 1], not complement-coded).
 * The match is at most energy², so prototypes whose energy alone cannot beat the best so far
 * are skipped (exact; the previous winner is tried first, as consecutive windows overlap).
 */
export function matchArt(art: ArtState, x: number[]): number {
  let best = -1;
  let bestSim = 0;
  let bestEnergy = 0;
  const first = art.best >= 0 && art.best < art.count ? art.best : -1;
  if (first >= 0) {
    bestEnergy = energyOf(art, x, first);
    bestSim = matchOne(art, x, first, bestEnergy, -1);
    best = first;
  }
  for (let j = 0; j < art.count; j++) {
    if (j === first) continue;
    const es = energyOf(art, x, j);
    if (best >= 0 && es * es <= bestSim) continue;
    const m = matchOne(art, x, j, es, best >= 0 ? bestSim : -1);
    if (m > bestSim || best < 0) {
      best = j;
      bestSim = m;
      bestEnergy = es;
    }
  }
  art.best = best;
  art.bestSim = bestSim;
  art.bestEnergy = bestEnergy;
  return best;
}

/**
 * Learns x after `matchArt`: resonance at the upper vigilance refines the best prototype;
 * otherwise x becomes a new prototype. Returns true when x matched no prototype even at the
 * lower vigilance (a novel cluster, ARTime's anomaly candidate).
 */
export function learnArt(art: ArtState, x: number[], best: number, rhoLow: number, rhoHigh: number): boolean {
  const dim = art.dim;
  const w = art.weights;
  art.clock++;
  if (best >= 0 && art.bestSim >= rhoHigh) {
    const base = 2 * dim * best;
    for (let d = 0; d < dim; d++) {
      if (x[d] < w[base + d]) w[base + d] = x[d];
      if (1 - x[d] < w[base + dim + d]) w[base + dim + d] = 1 - x[d];
    }
    art.norms[best] = normOf(art, best);
    art.lastUsed[best] = art.clock;
    return false;
  }
  let slot = art.count;
  if (slot < art.maxPrototypes) {
    art.count++;
  } else {
    slot = 0;
    for (let j = 1; j < art.count; j++) if (art.lastUsed[j] < art.lastUsed[slot]) slot = j;
  }
  const base = 2 * dim * slot;
  for (let d = 0; d < dim; d++) {
    w[base + d] = x[d];
    w[base + dim + d] = 1 - x[d];
  }
  art.norms[slot] = normOf(art, slot);
  art.lastUsed[slot] = art.clock;
  return !(best >= 0 && art.bestSim >= rhoLow);
}

/** Maps input dims [from, from+len) by f → a·f + b (a > 0) in every prototype (the range widened). */
export function rescaleArt(art: ArtState, from: number, len: number, a: number, b: number): void {
  const dim = art.dim;
  const w = art.weights;
  for (let j = 0; j < art.count; j++) {
    const base = 2 * dim * j;
    for (let d = from; d < from + len; d++) {
      w[base + d] = a * w[base + d] + b;
      w[base + dim + d] = 1 - (a * (1 - w[base + dim + d]) + b);
    }
    art.norms[j] = normOf(art, j);
  }
}

function normOf(art: ArtState, j: number): number {
  const base = 2 * art.dim * j;
  let sum = 0;
  for (let d = 0; d < 2 * art.dim; d++) sum += art.weights[base + d];
  return sum;
}
