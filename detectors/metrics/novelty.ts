/**
 * Contextual novelty in the spirit of CAD OSE (Contextual Anomaly Detector, NAB):
 * values are quantised into a few levels over the range seen so far, and the score is
 * the share of context orders (last 1..maxOrder levels) for which the transition to the
 * current level has never been seen. Seen transitions live in a fixed hashed bit table
 * (2^tableBits bits: 8 KB at the default 16, about 4 bits per transition a busy series learns).
 */
export interface NoveltyOptions {
  levels: number;
  maxOrder: number;
  tableBits: number;
}

export interface NoveltyState {
  min: number;
  max: number;
  history: Int32Array;
  /** Bit set of seen transitions, 32 per word. */
  seen: Int32Array;
  count: number;
}

export function createNovelty(o: NoveltyOptions): NoveltyState {
  if (o.tableBits < 5 || o.tableBits > 30) throw new Error(`novelty.tableBits must be in [5, 30], got ${o.tableBits}`);
  return { min: 0, max: 0, history: new Int32Array(o.maxOrder), seen: new Int32Array(1 << (o.tableBits - 5)), count: 0 };
}

/** Returns the share of unseen context→level transitions in [0, 1], then learns them. */
export function stepNovelty(s: NoveltyState, o: NoveltyOptions, value: number): number {
  if (s.count === 0) {
    s.min = value;
    s.max = value;
  }
  if (value < s.min) s.min = value;
  if (value > s.max) s.max = value;
  const range = s.max - s.min;
  const level = range > 0 ? Math.min(o.levels - 1, Math.floor(((value - s.min) / range) * o.levels)) : 0;
  const mask = (1 << o.tableBits) - 1;
  let hash = Math.imul(level + 1, 0x9e3779b1);
  let unseen = 0;
  let orders = 0;
  for (let j = 0; j < o.maxOrder && j < s.count; j++) {
    hash = Math.imul(hash ^ (s.history[j] + 17 * (j + 1)), 0x85ebca6b);
    hash ^= hash >>> 13;
    const slot = hash & mask;
    const bit = 1 << (slot & 31);
    orders++;
    if ((s.seen[slot >>> 5] & bit) === 0) {
      unseen++;
      s.seen[slot >>> 5] |= bit;
    }
  }
  for (let j = o.maxOrder - 1; j > 0; j--) s.history[j] = s.history[j - 1];
  s.history[0] = level;
  s.count++;
  return orders === 0 ? 0 : unseen / orders;
}
