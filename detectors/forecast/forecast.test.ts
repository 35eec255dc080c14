import { describe, expect, it } from 'vitest';
import { HOUR_MS, FIXTURES, hourly } from './fixtures.js';
import { backtestSeries, exhaustion, fillGaps, forecastSeries, mape, seasonCandidates, smape } from './index.js';

const OPTIONS = { intervalLevel: 0.9 };
const DAY = 24;

describe('capacity forecast accuracy (rolling-origin backtest, 24 h horizon)', () => {
  for (const [name, make] of Object.entries(FIXTURES)) {
    it(`${name}: sMAPE under 15 %`, () => {
      const result = backtestSeries(make(), HOUR_MS, DAY, 4, OPTIONS);
      expect(result.folds).toHaveLength(4);
      expect(result.smape).toBeLessThan(0.15);
    });
  }

  it('beats the seasonal-naive baseline where there is a trend (Holt-Winters is chosen)', () => {
    const values = FIXTURES.memoryLeak();
    const f = forecastSeries(values, HOUR_MS, DAY, OPTIONS);
    expect(f.model).toBe('holt-winters');
    // The leak grows 4 MB/h: a day ahead is ~96 MB above the same hour yesterday, which the baseline misses.
    const result = backtestSeries(values, HOUR_MS, DAY, 4, OPTIONS);
    expect(result.smape).toBeLessThan(0.03);
  });

  it('picks a weekly season when three weeks show a weekend', () => {
    const f = forecastSeries(FIXTURES.weeklyTraffic(), HOUR_MS, 7 * DAY, OPTIONS);
    expect(f.seasonLength).toBe(7 * DAY);
  });

  it('prediction intervals cover about their level', () => {
    const result = backtestSeries(FIXTURES.noisyCpu(), HOUR_MS, DAY, 6, OPTIONS);
    expect(result.coverage).toBeGreaterThan(0.75);
    expect(result.coverage).toBeLessThanOrEqual(1);
  });

  it('intervals widen with the horizon', () => {
    const f = forecastSeries(FIXTURES.traffic(), HOUR_MS, 7 * DAY, OPTIONS);
    const width = (i: number) => f.upper[i] - f.lower[i];
    expect(width(6 * DAY)).toBeGreaterThan(width(0));
    expect(f.lower.every((l, i) => l <= f.values[i] && f.upper[i] >= f.values[i])).toBe(true);
  });

  it('refuses less than three days of history', () => {
    expect(() => forecastSeries(hourly(2, 9, () => 1, 0.1), HOUR_MS, DAY, OPTIONS)).toThrow(/three days/);
    expect(seasonCandidates(3 * DAY, HOUR_MS)).toEqual([DAY]);
    expect(seasonCandidates(21 * DAY, HOUR_MS)).toEqual([DAY, 7 * DAY]);
  });
});

describe('time to exhaustion', () => {
  it('finds when a leak reaches the limit, with the interval around it', () => {
    const values = FIXTURES.memoryLeak(); // 2 GB + 4 MB/h, 504 h of history: ~4.0 GB at the end
    const f = forecastSeries(values, HOUR_MS, 14 * DAY, OPTIONS);
    const limit = 4.5e9; // the trend alone reaches it ~121 h after the end; the daily peak sooner
    const e = exhaustion(values[values.length - 1], f, limit);
    expect(e.exceeded).toBe(false);
    expect(e.step).not.toBeNull();
    expect(e.step!).toBeGreaterThan(24);
    expect(e.step!).toBeLessThan(140);
    expect(e.earliestStep!).toBeLessThanOrEqual(e.step!);
    expect(e.latestStep === null || e.latestStep >= e.step!).toBe(true);
  });

  it('is null when the forecast stays under the limit', () => {
    const values = FIXTURES.traffic();
    const f = forecastSeries(values, HOUR_MS, 7 * DAY, OPTIONS);
    expect(exhaustion(values[values.length - 1], f, 10_000)).toEqual({ exceeded: false, step: null, earliestStep: null, latestStep: null });
  });
});

describe('helpers', () => {
  it('sMAPE and MAPE', () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo((20 / 210 + 40 / 380) / 2, 10);
    expect(smape([0, 0], [0, 0])).toBe(0);
    expect(mape([100, 0, 200], [110, 5, 180])).toBeCloseTo(0.1, 10);
  });

  it('fills gaps linearly on the step grid', () => {
    const filled = fillGaps([{ timeMs: 0, value: 10 }, { timeMs: 3 * HOUR_MS, value: 40 }, { timeMs: 4 * HOUR_MS, value: 5 }], HOUR_MS);
    expect(filled).toEqual({ startMs: 0, values: [10, 20, 30, 40, 5] });
  });
});
