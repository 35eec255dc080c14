import { describe, expect, it } from 'vitest';
import { correlatedPatterns } from './correlate.js';

const counts = (id: string, windowCount: number, baselineCount: number) => ({ templateId: id, template: id, maxSeverityNumber: 17, windowCount, baselineCount });

describe('correlatedPatterns', () => {
  it('keeps patterns that are new or much busier around the anomaly, busiest lift first', () => {
    const out = correlatedPatterns([
      counts('steady', 6, 60), // 1/min before and during: background noise
      counts('surging', 30, 60), // 5/min vs 1/min
      counts('new', 4, 0),
      counts('single', 1, 0), // too few to mean anything
    ]);
    expect(out.map((p) => p.templateId)).toEqual(['new', 'surging']);
    expect(out[1].lift).toBeCloseTo(5);
  });

  it('returns nothing when no pattern rose', () => {
    expect(correlatedPatterns([counts('steady', 6, 60)])).toEqual([]);
  });
});
