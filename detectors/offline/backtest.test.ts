import { describe, expect, it } from 'vitest';
import { backtestScores } from './backtest.js';

const MIN = 60_000;

describe('backtest scores', () => {
  it('counts an anomaly overlapping an incident window on the same service as a true positive', () => {
    const incidents = [
      { id: 'i1', services: ['checkout', 'payments'], startMs: 100 * MIN, endMs: 120 * MIN },
      { id: 'i2', services: ['search'], startMs: 300 * MIN, endMs: 310 * MIN },
    ];
    const anomalies = [
      { detector: 'vigil', service: 'payments', startMs: 97 * MIN, endMs: 99 * MIN }, // before onset, inside the slack
      { detector: 'vigil', service: 'checkout', startMs: 200 * MIN, endMs: 201 * MIN }, // no incident then
      { detector: 'vigil', service: 'search', startMs: 305 * MIN, endMs: 306 * MIN },
      { detector: 'zscore', service: 'search', startMs: 100 * MIN, endMs: 101 * MIN }, // right time, wrong service
    ];
    const [vigil, zscore, iforest] = backtestScores(['vigil', 'zscore', 'iforest'], anomalies, incidents, 5 * MIN);
    expect(vigil).toMatchObject({ anomalies: 3, truePositives: 2, incidents: 2, detectedIncidents: 2, recall: 1 });
    expect(vigil.precision).toBeCloseTo(2 / 3);
    expect(vigil.f1).toBeCloseTo(0.8);
    expect(zscore).toMatchObject({ anomalies: 1, truePositives: 0, precision: 0, recall: 0, f1: 0 });
    expect(iforest.anomalies).toBe(0);
    expect(iforest.precision).toBeNaN();
  });
});
