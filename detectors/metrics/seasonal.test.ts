import { describe, expect, it } from 'vitest';
import { createSeasonal, DAY_MS, enterBucket } from './seasonal.js';

describe('seasonal buckets', () => {
  it('puts every sample of a day in its own bucket, for 1-minute to 1-hour sampling', () => {
    const dayStart = Date.UTC(2024, 2, 5);
    for (const intervalMs of [60_000, 300_000, 1_800_000, 3_600_000]) {
      const sea = createSeasonal(DAY_MS, intervalMs, 0)!;
      const buckets: number[] = [];
      for (let t = dayStart; t < dayStart + DAY_MS; t += intervalMs) {
        enterBucket(sea, t);
        buckets.push(sea.bucket);
      }
      expect(buckets).toEqual(buckets.map((_, i) => i));
    }
  });

  it('maps times before 1970 by the same phase', () => {
    const sea = createSeasonal(DAY_MS, 300_000, 0)!;
    enterBucket(sea, -DAY_MS + 300_000);
    expect(sea.bucket).toBe(1);
  });
});
