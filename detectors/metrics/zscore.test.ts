import { describe, expect, it } from 'vitest';
import { createDetector, DETECTOR_NAMES, restore, snapshot, step } from './index.js';
import { makeSeries } from './test-fixtures.js';

function run(values: number[], timestamps: number[]) {
  const state = createDetector({ detector: 'zscore', zscore: { windowSize: 500 } });
  return values.map((v, i) => ({ ...step(state, timestamps[i], v) }));
}

describe('zscore baseline: labelled synthetic fixtures', () => {
  it('is listed among the detectors', () => {
    expect(DETECTOR_NAMES).toEqual(['vigil', 'zscore']);
  });

  it('scores a 10σ spike near 1 and clean noise below it', () => {
    const f = makeSeries(2000, 21, () => 10);
    f.values[1500] += 10;
    const out = run(f.values, f.timestampMs);
    expect(out[1500].score).toBeGreaterThan(0.999999);
    const others = out.slice(600).filter((_, i) => i + 600 !== 1500);
    expect(Math.max(...others.map((o) => o.score))).toBeLessThan(0.99999);
    expect(out[1500].expected).toBeCloseTo(10, 0);
    expect(out[1500].upper - out[1500].lower).toBeCloseTo(6, 0);
  });

  it('resumes from a snapshot', () => {
    const f = makeSeries(1200, 22, () => 3);
    const state = createDetector({ detector: 'zscore' });
    for (let i = 0; i < 700; i++) step(state, f.timestampMs[i], f.values[i]);
    const copy = restore(snapshot(state));
    for (let i = 700; i < 1200; i++) expect(step(copy, f.timestampMs[i], f.values[i]).score).toBe(step(state, f.timestampMs[i], f.values[i]).score);
  });
});
