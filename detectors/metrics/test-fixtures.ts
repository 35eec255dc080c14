/** Seeded synthetic series for the detectors' accuracy tests (test-only helper). */
export const FIVE_MINUTES_MS = 300_000;
export const START_MS = Date.UTC(2024, 0, 1);

/** mulberry32: a tiny seeded PRNG, so fixtures are identical on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export interface Fixture {
  timestampMs: number[];
  values: number[];
}

/** n points every 5 minutes: base(i) + sigma(i) × N(0, 1). */
export function makeSeries(n: number, seed: number, base: (i: number) => number, sigma: (i: number) => number = () => 1): Fixture {
  const noise = gaussian(seededRandom(seed));
  const timestampMs: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    timestampMs.push(START_MS + i * FIVE_MINUTES_MS);
    values.push(base(i) + sigma(i) * noise());
  }
  return { timestampMs, values };
}

/** Points per day at 5-minute sampling. */
export const DAY_POINTS = 288;

export function daily(i: number, mean = 50, amplitude = 20): number {
  return mean + amplitude * Math.sin((2 * Math.PI * i) / DAY_POINTS);
}
