/**
 * Bounded dual-vigilance fuzzy ART (Carpenter, Grossberg & Rosen 1991; dual vigilance as in
 * ARTime's DVFA) over inputs in [0, 1], quantised to 16 bits (UNIT ↔ 1) so prototypes are
 * small exact integers. A prototype is a hyperbox [low, high] — complement coding's
 * w = [low | 1 − high] — so |w| = Σ low + (1 − high) and |x ∧ w| = |w| − (L1 distance from x
 * to the box): one distance per input instead of two minima. Learning is fast commit
 * (β = 1: the box grows to hold x). The match of a prototype is ARTime's:
 * (|x ∧ w| / |w|)³ × (energy match)², the energy match being the same ratio on the newest
 * level only, so a familiar shape at an unseen level still mismatches.
 */
export const UNIT = 65535;

export interface ArtState {
  dim: number;
  maxPrototypes: number;
  /** Input index whose match is the "energy" (the newest level). */
  energyIndex: number;
  count: number;
  /** maxPrototypes × dim box corners, in UNITs. */
  low: Uint16Array;
  high: Uint16Array;
  /** Per prototype: |w| in UNITs (an integer ≤ dim × UNIT). */
  norms: Int32Array;
  /** Per prototype: the clock (windows learned; 2^31 of them outlast any series) of its last match or creation, for replacement when full. */
  lastUsed: Int32Array;
  clock: number;
  /** The prototype that learned the previous input (resonance or a new one), or −1. */
  last: number;
  /** Per prototype: the one that learned the input after it last time, or −1 (a search hint). */
  next: Int16Array;
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
    low: new Uint16Array(maxPrototypes * dim),
    high: new Uint16Array(maxPrototypes * dim),
    norms: new Int32Array(maxPrototypes),
    lastUsed: new Int32Array(maxPrototypes),
    clock: 0,
    last: -1,
    next: new Int16Array(maxPrototypes).fill(-1),
    best: -1,
    bestSim: 0,
    bestEnergy: 0,
  };
}

export function resetArt(art: ArtState): void {
  art.count = 0;
  art.clock = 0;
  art.last = -1;
  art.next.fill(-1);
  art.best = -1;
  art.bestSim = 0;
  art.bestEnergy = 0;
}

/** Quantises a feature in [0, 1] (clamped) to UNITs. */
export function toUnits(f: number): number {
  return f <= 0 ? 0 : f >= 1 ? UNIT : (f * UNIT + 0.5) | 0; // rounds half up, as Math.round does for f > 0
}

/**
 * The match of prototype j given its distance on the energy input, or 0 as soon as it can no
 * longer beat `beat`: the distance only grows, so with r = |w| − distance so far the match is
 * at most (r / |w|)³ × energy², i.e. it loses once r³ ≤ beat × |w|³ / energy² (one division per
 * prototype, a cube and a compare per input). Inputs are visited newest level first, then
 * older levels, then the shape: levels differ most between prototypes, so losers drop early.
 */
function matchOne(art: ArtState, x: Uint16Array, j: number, energyDist: number, energy: number, beat: number): number {
  const dim = art.dim;
  const low = art.low;
  const high = art.high;
  const base = dim * j;
  const norm = art.norms[j];
  const den = norm > 0 ? norm : 0.001 * UNIT;
  const scale = energy * energy;
  const limit = beat < 0 ? -1 : (beat * den * den * den) / scale;
  let dist = energyDist;
  for (let d = art.energyIndex - 1; d >= 0; d--) {
    const v = x[d];
    const lo = low[base + d];
    const hi = high[base + d];
    if (v < lo) dist += lo - v;
    else if (v > hi) dist += v - hi;
    else continue;
    const r = norm - dist;
    if (r * r * r <= limit) return 0;
  }
  for (let d = art.energyIndex + 1; d < dim; d++) {
    const v = x[d];
    const lo = low[base + d];
    const hi = high[base + d];
    if (v < lo) dist += lo - v;
    else if (v > hi) dist += v - hi;
  }
  const fs = (norm - dist) / den;
  return fs * fs * fs * scale;
}

/**
 * Finds the best-matching prototype for x (in UNITs). The match is at most energy², so
 * prototypes whose energy alone cannot beat the best so far are skipped, and a perfect match
 * ends the search. Likely winners go first, so the bound prunes early: the prototype that
 * followed the previous one last time (windows recur in sequence), then the previous one
 * itself (consecutive windows overlap). Ties go to the earlier tried.
 */
export function matchArt(art: ArtState, x: Uint16Array): number {
  const low = art.low;
  const high = art.high;
  const dim = art.dim;
  const e = art.energyIndex;
  const xe = x[e];
  let best = -1;
  let bestSim = -1;
  let bestEnergy = 0;
  const last = art.last;
  const hint = last >= 0 ? art.next[last] : -1;
  for (let k = -2; k < art.count && bestSim < 1; k++) {
    const j = k === -2 ? hint : k === -1 ? last : k;
    if (j < 0 || (k >= 0 && (j === hint || j === last)) || (k === -1 && last === hint)) continue;
    // Energy: the fuzzy match ratio (den − dist) / den on the newest level alone.
    const i = j * dim + e;
    const lo = low[i];
    const hi = high[i];
    const den = lo + UNIT - hi;
    const dist = xe < lo ? lo - xe : xe > hi ? xe - hi : 0;
    const num = den - dist;
    if (den > 0 && num * num <= bestSim * den * den) continue;
    const es = den > 0 ? num / den : 1;
    const m = matchOne(art, x, j, dist, es, bestSim);
    if (m > bestSim) {
      best = j;
      bestSim = m;
      bestEnergy = es;
    }
  }
  art.best = best;
  art.bestSim = best >= 0 ? bestSim : 0;
  art.bestEnergy = bestEnergy;
  return best;
}

/**
 * Learns x after `matchArt`: resonance at the upper vigilance refines the best prototype;
 * otherwise x becomes a new prototype. Returns true when x matched no prototype even at the
 * lower vigilance (a novel cluster, ARTime's anomaly candidate).
 */
export function learnArt(art: ArtState, x: Uint16Array, best: number, rhoLow: number, rhoHigh: number): boolean {
  const dim = art.dim;
  const low = art.low;
  const high = art.high;
  art.clock++;
  if (best >= 0 && art.bestSim >= rhoHigh) {
    const base = dim * best;
    let shrink = 0; // |w| falls by however far the box grows
    for (let d = 0; d < dim; d++) {
      const v = x[d];
      if (v < low[base + d]) {
        shrink += low[base + d] - v;
        low[base + d] = v;
      } else if (v > high[base + d]) {
        shrink += v - high[base + d];
        high[base + d] = v;
      }
    }
    art.norms[best] -= shrink;
    art.lastUsed[best] = art.clock;
    follow(art, best);
    return false;
  }
  let slot = art.count;
  if (slot < art.maxPrototypes) {
    art.count++;
  } else {
    slot = 0;
    for (let j = 1; j < art.count; j++) if (art.lastUsed[j] < art.lastUsed[slot]) slot = j;
  }
  const base = dim * slot;
  for (let d = 0; d < dim; d++) {
    low[base + d] = x[d];
    high[base + d] = x[d];
  }
  art.norms[slot] = dim * UNIT;
  art.lastUsed[slot] = art.clock;
  art.next[slot] = -1;
  follow(art, slot);
  return !(best >= 0 && art.bestSim >= rhoLow);
}

/** Records that prototype j learned the input after the previous one (the search hint). */
function follow(art: ArtState, j: number): void {
  if (art.last >= 0) art.next[art.last] = j;
  art.last = j;
}

/** Maps inputs [from, from+len) by f → a·f + b (a > 0) in every prototype (the range widened). */
export function rescaleArt(art: ArtState, from: number, len: number, a: number, b: number): void {
  const dim = art.dim;
  for (let j = 0; j < art.count; j++) {
    const base = dim * j;
    for (let d = base + from; d < base + from + len; d++) {
      art.low[d] = toUnits(a * (art.low[d] / UNIT) + b);
      art.high[d] = toUnits(a * (art.high[d] / UNIT) + b);
    }
    art.norms[j] = normOf(art, j);
  }
}

function normOf(art: ArtState, j: number): number {
  const base = art.dim * j;
  let sum = 0;
  for (let d = base; d < base + art.dim; d++) sum += art.low[d] + UNIT - art.high[d];
  return sum;
}
