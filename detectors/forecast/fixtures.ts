import { gaussian, seededRandom } from '../metrics/test-fixtures.js';

/** Seeded seasonal series for the forecast accuracy tests (test-only helper). */
export const HOUR_MS = 3_600_000;

/** Hourly series of `days` days: value(hour index) + sigma × N(0, 1). */
export function hourly(days: number, seed: number, value: (i: number) => number, sigma: number): number[] {
  const noise = gaussian(seededRandom(seed));
  return Array.from({ length: days * 24 }, (_, i) => value(i) + sigma * noise());
}

const daily = (i: number) => Math.sin((2 * Math.PI * (i % 24)) / 24 - Math.PI / 2);
const weekend = (i: number) => (Math.floor(i / 24) % 7 >= 5 ? 1 : 0);

export const FIXTURES = {
  /** Requests per second: a daily cycle (night trough, afternoon peak), flat. */
  traffic: () => hourly(28, 1, (i) => 400 + 250 * daily(i), 20),
  /** Weekday/weekend traffic: the weekend runs at 60 %, with a slow growth. */
  weeklyTraffic: () => hourly(42, 2, (i) => (1 + 0.002 * i) * (300 + 150 * daily(i)) * (weekend(i) ? 0.6 : 1), 12),
  /** Memory in bytes: a daily cycle on a steady leak. */
  memoryLeak: () => hourly(21, 3, (i) => 2e9 + 4e6 * i + 3e8 * daily(i), 3e7),
  /** CPU utilisation: a daily cycle with heavy noise. */
  noisyCpu: () => hourly(28, 4, (i) => 0.45 + 0.2 * daily(i), 0.05),
};
