import { describe, expect, it } from 'vitest';
import { assessChangeRisk, auc, blastRadius, calibration, freezeWindowAt, parseFreezeWindow, RISK_WEIGHTS, type RiskInputs } from './index.js';

const quiet: RiskInputs = {
  history: { deployments: 30, failedDeployments: 0, windowDays: 90 },
  openIncidents: [],
  activeAnomalies: 0,
  blastRadius: { services: [], openIncidents: 0, activeAnomalies: 0 },
  deploymentsLast24h: 1,
  openFindings: { critical: 0, high: 0 },
  errors: { calls: 10_000, errors: 5, sloErrorRatio: 0.001 },
  freezeWindow: null,
  traffic: { atHour: 100, peakHour: 1000 },
};

describe('assessChangeRisk', () => {
  it('weights add up to 100 and every factor explains itself', () => {
    expect(Object.values(RISK_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    const { factors, score, level } = assessChangeRisk(quiet);
    expect(factors.map((f) => f.name)).toEqual(Object.keys(RISK_WEIGHTS));
    for (const f of factors) {
      expect(f.value).toBeGreaterThanOrEqual(0);
      expect(f.value).toBeLessThanOrEqual(1);
      expect(f.points).toBeCloseTo(f.weight * f.value, 1);
      expect(f.evidence.length).toBeGreaterThan(5);
    }
    expect(score).toBeLessThan(10);
    expect(level).toBe('low');
  });

  it('ranks a troubled service with failed deployments far above a quiet one', () => {
    const troubled = assessChangeRisk({
      ...quiet,
      history: { deployments: 10, failedDeployments: 5, windowDays: 90 },
      openIncidents: ['vigil/inc-1'],
      activeAnomalies: 2,
      blastRadius: { services: ['db', 'web'], openIncidents: 1, activeAnomalies: 1 },
      errors: { calls: 10_000, errors: 300, sloErrorRatio: 0.001 },
    });
    expect(troubled.score).toBeGreaterThan(50); // 14.4 + 15 + 6.7 + 7.5 + 1.4 + 10 + 0.4
    expect(['high', 'critical']).toContain(troubled.level);
    const cfr = troubled.factors.find((f) => f.name === 'changeFailureRate')!;
    expect(cfr.evidence).toMatch(/5 of 10 deployments in the last 90 days failed/);
    expect(troubled.factors.find((f) => f.name === 'errorBudgetBurn')!.value).toBe(1); // 30× burn
  });

  it('a freeze window makes a change at least high', () => {
    const frozen = assessChangeRisk({ ...quiet, freezeWindow: 'Fri 16:00-Mon 08:00' });
    expect(frozen.level).toBe('high');
    expect(frozen.factors.find((f) => f.name === 'freezeWindow')).toMatchObject({ value: 1, points: 12 });
  });
});

describe('blastRadius', () => {
  it('follows calls both ways, transitively, without unrelated branches', () => {
    const edges = [
      { caller: 'web', callee: 'checkout' },
      { caller: 'checkout', callee: 'payments' },
      { caller: 'payments', callee: 'db' },
      { caller: 'web', callee: 'search' },
      { caller: 'mobile', callee: 'web' },
    ];
    expect(blastRadius('checkout', edges)).toEqual(['db', 'mobile', 'payments', 'web']);
    expect(blastRadius('lonely', edges)).toEqual([]);
  });
});

describe('freeze windows', () => {
  const windows = ['Fri 16:00-Mon 08:00', ' 2026-12-20T00:00:00Z/2027-01-04T00:00:00Z', 'wed 12:00-wed 13:00'].map(parseFreezeWindow);
  it.each([
    ['2026-03-06T15:59:00Z', null], // Friday before the freeze
    ['2026-03-06T16:00:00Z', 'Fri 16:00-Mon 08:00'],
    ['2026-03-08T12:00:00Z', 'Fri 16:00-Mon 08:00'], // Sunday
    ['2026-03-09T07:59:00Z', 'Fri 16:00-Mon 08:00'],
    ['2026-03-09T08:00:00Z', null],
    ['2026-03-11T12:30:00Z', 'wed 12:00-wed 13:00'],
    ['2026-12-23T10:00:00Z', '2026-12-20T00:00:00Z/2027-01-04T00:00:00Z'],
  ])('%s → %s', (at, expected) => expect(freezeWindowAt(windows, Date.parse(at))?.text ?? null).toBe(expected));

  it('names a window that does not parse', () => {
    expect(() => parseFreezeWindow('Friday evening')).toThrow(/"Friday evening"/);
    expect(() => parseFreezeWindow('Fri 25:00-Mon 08:00')).toThrow(/expected "Fri 16:00-Mon 08:00"/);
    expect(() => parseFreezeWindow('2027-01-04T00:00:00Z/2026-12-20T00:00:00Z')).toThrow();
  });
});

describe('backtest evaluation', () => {
  it('AUC is the share of (failed, fine) pairs ranked right, ties half', () => {
    const c = (score: number, failed: boolean) => ({ score, level: 'low' as const, failed });
    expect(auc([c(10, false), c(20, false), c(80, true), c(90, true)])).toBe(1);
    expect(auc([c(10, true), c(20, false)])).toBe(0);
    expect(auc([c(50, true), c(50, false)])).toBe(0.5);
    // pairs: (60 vs 10 ✓, 60 vs 70 ✗), (30 vs 10 ✓, 30 vs 70 ✗) → 2/4
    expect(auc([c(60, true), c(30, true), c(10, false), c(70, false)])).toBe(0.5);
    expect(auc([c(1, false)])).toBeNull();
  });

  it('calibration counts failures per level', () => {
    const rows = calibration([
      { score: 5, level: 'low', failed: false },
      { score: 6, level: 'low', failed: true },
      { score: 80, level: 'critical', failed: true },
    ]);
    expect(rows).toEqual([
      { level: 'low', changes: 2, failed: 1, failureRate: 0.5 },
      { level: 'medium', changes: 0, failed: 0, failureRate: null },
      { level: 'high', changes: 0, failed: 0, failureRate: null },
      { level: 'critical', changes: 1, failed: 1, failureRate: 1 },
    ]);
  });
});
