/**
 * Quantiles from bucketed data, without keeping the values.
 */

/**
 * The q-quantile of an explicit-bounds histogram (OTLP / Prometheus layout: `counts` has
 * one more entry than `bounds`; bucket i holds (bounds[i-1], bounds[i]]), interpolating
 * linearly inside the bucket the rank falls in, as Prometheus' histogram_quantile does:
 * the first bucket starts at 0 (or its bound, when that is negative) and a rank in the
 * overflow bucket returns the highest bound. NaN when the histogram is empty.
 */
export function histogramQuantile(bounds: readonly number[], counts: readonly number[], q: number): number {
  let total = 0;
  for (const c of counts) total += c;
  if (total <= 0 || bounds.length === 0) return NaN;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c <= 0 || seen + c < rank) {
      seen += c;
      continue;
    }
    if (i >= bounds.length) return bounds[bounds.length - 1];
    const upper = bounds[i];
    const lower = i === 0 ? Math.min(0, upper) : bounds[i - 1];
    return lower + (upper - lower) * ((rank - seen) / c);
  }
  return bounds[bounds.length - 1];
}

/**
 * A log-bucketed sketch of positive values (DDSketch's mapping, Masson et al., VLDB 2019):
 * bucket i holds (γ^(i-1), γ^i], so any quantile comes back within relative error
 * (γ-1)/(γ+1) ≈ 1% for γ = 1.02, in a bounded number of buckets (about 1,750 cover
 * 1 ns to 10^15 ns), deterministic and mergeable.
 */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);

export interface LogSketch {
  zeros: number;
  count: number;
  buckets: Map<number, number>;
}

export function createSketch(): LogSketch {
  return { zeros: 0, count: 0, buckets: new Map() };
}

export function addToSketch(sketch: LogSketch, value: number): void {
  sketch.count++;
  if (!(value > 0)) {
    sketch.zeros++;
    return;
  }
  const i = Math.ceil(Math.log(value) / LOG_GAMMA);
  sketch.buckets.set(i, (sketch.buckets.get(i) ?? 0) + 1);
}

export function sketchQuantile(sketch: LogSketch, q: number): number {
  if (sketch.count === 0) return NaN;
  const rank = q * (sketch.count - 1);
  let seen = sketch.zeros;
  if (rank < seen) return 0;
  const keys = [...sketch.buckets.keys()].sort((a, b) => a - b);
  for (const i of keys) {
    seen += sketch.buckets.get(i)!;
    if (rank < seen) return (2 * GAMMA ** i) / (GAMMA + 1);
  }
  return (2 * GAMMA ** keys[keys.length - 1]) / (GAMMA + 1);
}
