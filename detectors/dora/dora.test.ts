import { describe, expect, it } from 'vitest';
import { changeFailureRateBand, deploymentFrequencyBand, deploymentOutcomes, doraReport, leadTimeBand, recoveryTimeBand, weekStart, type Deployment, type Failure, type MergedChange } from './index.js';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 0, 5); // a Monday

const deploy = (ref: string, atH: number, service = 'api', changes: string[] = [], team = 'core'): Deployment => ({ ref, timeMs: T0 + atH * H, service, team, changes });
const merge = (changeId: string, atH: number, service = 'api', commit = ''): MergedChange => ({ changeId, commit, timeMs: T0 + atH * H, service });
const incident = (ref: string, atH: number, resolvedH: number | null, services = ['api']): Failure => ({ kind: 'incident', ref, services, startMs: T0 + atH * H, resolvedMs: resolvedH === null ? 0 : T0 + resolvedH * H });
const rollback = (ref: string, atH: number, service = 'api'): Failure => ({ kind: 'rollback', ref, services: [service], startMs: T0 + atH * H, resolvedMs: T0 + atH * H });

describe('deploymentOutcomes', () => {
  it('ships listed changes by id or commit, and a deployment without a list ships every earlier unshipped change', () => {
    const outcomes = deploymentOutcomes(
      [deploy('d1', 10, 'api', ['PR-1', 'abc']), deploy('d2', 20), deploy('d3', 30)],
      [merge('PR-1', 2), merge('PR-2', 4, 'api', 'abc'), merge('PR-3', 8), merge('PR-4', 15), merge('PR-5', 25), merge('PR-6', 12, 'web')],
      [],
      24 * H,
    );
    // d1: PR-1 (8 h), PR-2 by commit (6 h); d2: PR-3 (12 h, merged before d1 but not listed by it) and PR-4 (5 h); d3: PR-5 (5 h).
    expect(outcomes.map((o) => o.leadTimesMs.map((ms) => ms / H).sort((a, b) => a - b))).toEqual([[6, 8], [5, 12], [5]]);
  });

  it('charges a failure to the latest deployment within the window and finds the restore', () => {
    const outcomes = deploymentOutcomes(
      [deploy('d1', 0), deploy('d2', 10), deploy('d3', 50), deploy('d4', 100), deploy('w1', 0, 'web')],
      [],
      [
        incident('i1', 12, 15), // d2, resolved after 3 h (before d3)
        incident('i2', 80, null), // 30 h after d3: outside the 24 h window → nobody's
        rollback('r1', 101), // d4 rolled back after 1 h
        incident('i3', 0.5, 2, ['web', 'db']), // w1 (db has no deployments)
      ],
      24 * H,
    );
    const view = outcomes.map((o) => [o.ref, o.failed, o.failureRefs, o.failed ? (o.restoredAtMs - o.failedAtMs) / H : null]);
    expect(view).toEqual([
      ['d1', false, [], null],
      ['w1', true, ['i3'], 1.5],
      ['d2', true, ['i1'], 3],
      ['d3', false, [], null],
      ['d4', true, ['r1'], 1],
    ]);
  });

  it('restores an unresolved failure at the next deployment (roll forward), and leaves the last one unrestored', () => {
    const outcomes = deploymentOutcomes([deploy('d1', 0), deploy('d2', 6), deploy('d3', 30)], [], [incident('i1', 2, null), incident('i2', 31, null)], 24 * H);
    expect(outcomes.map((o) => [o.failed, o.restoredAtMs && (o.restoredAtMs - o.failedAtMs) / H])).toEqual([[true, 4], [false, 0], [true, 0]]);
  });
});

describe('doraReport', () => {
  it('computes the four keys, per service, team and week, with bands', () => {
    const outcomes = deploymentOutcomes(
      [deploy('a1', 0, 'api'), deploy('a2', 24, 'api'), deploy('a3', 48, 'api'), deploy('a4', 7 * 24 + 1, 'api'), deploy('b1', 12, 'billing', [], 'money')],
      [merge('PR-1', -2, 'api'), merge('PR-2', 20, 'api'), merge('PR-3', 0, 'billing')],
      [incident('i1', 25, 27), rollback('r1', 13, 'billing')],
      24 * H,
    );
    const report = doraReport(outcomes, { sinceMs: T0, untilMs: T0 + 14 * D });
    expect(report.overall).toMatchObject({
      deployments: 5,
      leadTime: { changes: 3, medianHours: 4 }, // 2, 4, 12 h
      changeFailureRate: { failedDeployments: 2, rate: 0.4, band: 'low' },
      recoveryTime: { recovered: 2, unrecovered: 0, medianHours: 1.5 }, // a2: 2 h, b1: 1 h
    });
    expect(report.overall.deploymentFrequency.perDay).toBeCloseTo(5 / 14);
    expect(report.overall.band).toBe('low');
    expect(report.services.map((s) => [s.service, s.team, s.deployments, s.changeFailureRate.rate])).toEqual([['api', 'core', 4, 0.25], ['billing', 'money', 1, 1]]);
    expect(report.teams.map((t) => [t.team, t.deployments])).toEqual([['core', 4], ['money', 1]]);
    expect(report.weekly.map((w) => [new Date(w.weekStartMs).toISOString().slice(0, 10), w.deployments, w.failedDeployments])).toEqual([['2026-01-05', 4, 2], ['2026-01-12', 1, 0]]);
  });

  it('bands follow the DORA 2023 boundaries', () => {
    expect([3, 1, 0.5, 1 / 7, 0.05, 0.01].map(deploymentFrequencyBand)).toEqual(['elite', 'elite', 'high', 'high', 'medium', 'low']);
    expect([2 * H, 2 * D, 10 * D, 40 * D].map(leadTimeBand)).toEqual(['elite', 'high', 'medium', 'low']);
    expect([0, 0.05, 0.1, 0.15, 0.16].map(changeFailureRateBand)).toEqual(['elite', 'elite', 'high', 'medium', 'low']);
    expect([0.5 * H, 5 * H, 3 * D, 8 * D].map(recoveryTimeBand)).toEqual(['elite', 'high', 'medium', 'low']);
    expect(new Date(weekStart(Date.UTC(2026, 0, 11, 23))).toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });
});
