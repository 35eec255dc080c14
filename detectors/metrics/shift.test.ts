import { describe, expect, it } from 'vitest';
import { createShift, SHIFT_DEFAULTS, shiftNews, stepShift } from './shift.js';
import { gaussian, seededRandom } from './test-fixtures.js';

const WARMUP = 300;

/** Evidence per point of `values` after a warm-up of noise; news marks the points that reported a run. */
function run(values: number[]): { evidence: number[]; news: number[] } {
  const s = createShift();
  const evidence: number[] = [];
  const news: number[] = [];
  values.forEach((v, i) => {
    const e = stepShift(s, SHIFT_DEFAULTS, v, 1e-9, i >= WARMUP);
    evidence.push(e);
    if (i >= WARMUP && shiftNews(s, SHIFT_DEFAULTS, e, 1.35, 8)) news.push(i);
  });
  return { evidence, news };
}

function noise(n: number, seed: number, mean: (i: number) => number = () => 0): number[] {
  const g = gaussian(seededRandom(seed));
  return Array.from({ length: n }, (_, i) => mean(i) + g());
}

describe('sustained shift (CUSUM)', () => {
  it('stays below 12 nats on Gaussian noise, and a 1σ shift that stays passes 12 within 80 points', () => {
    // By Wald's bound a run reaches h nats with probability ≤ e^−h: noise's runs peak at 6–10.
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      expect(Math.max(...run(noise(3000, seed)).evidence)).toBeLessThan(12);
      const { evidence } = run(noise(3000, seed, (i) => (i >= 2000 ? 1 : 0)));
      const first = evidence.findIndex((e, i) => i >= 2000 && e >= 12);
      expect(first).toBeGreaterThanOrEqual(2000);
      expect(first).toBeLessThan(2080);
    }
  });

  it('adds a bounded step for a lone spike, however large', () => {
    const values = noise(3000, 7);
    values[2000] += 1000;
    const { evidence } = run(values);
    expect(evidence[2000] - evidence[1999]).toBeLessThanOrEqual(SHIFT_DEFAULTS.clipSigmas);
    expect(Math.max(...evidence.slice(2000))).toBeLessThan(8);
  });

  it('reports a run once, and a later run only if it beats the earlier one by the margin', () => {
    // Three shifts with returns between: 1σ for 100 points, the same again, then 2σ.
    const mean = (i: number) => (i >= 1000 && i < 1100 ? 1 : i >= 2000 && i < 2100 ? 1 : i >= 3000 && i < 3100 ? 2 : 0);
    for (const seed of [8, 9, 10]) {
      const { news } = run(noise(4000, seed, mean));
      const within = (from: number) => news.filter((i) => i >= from && i < from + 100).length;
      expect([within(1000), within(2000), within(3000)]).toEqual([1, 0, 1]);
    }
  });
});
