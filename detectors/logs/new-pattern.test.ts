import { describe, expect, it } from 'vitest';
import { NewPatternPolicy, severityScore } from './new-pattern.js';

describe('NewPatternPolicy', () => {
  it('stays quiet while a service warms up, then scores new patterns by severity', () => {
    const policy = new NewPatternPolicy({ warmupMs: 600_000, maxServices: 10 });
    policy.observe('api', 0);
    expect(policy.judge('api', 599_999, 17, 'ERROR')).toBeUndefined();
    expect(policy.judge('api', 600_000, 17, 'ERROR')).toEqual({ score: 0.9 });
    expect(policy.judge('api', 700_000, 9, 'INFO')!.score).toBeLessThan(0.5);
    expect(policy.judge('unknown', 700_000, 21, 'FATAL')).toBeUndefined();
  });

  it('uses the earliest event time seen, even out of order', () => {
    const policy = new NewPatternPolicy({ warmupMs: 600_000, maxServices: 10 });
    policy.observe('api', 1_000_000);
    policy.observe('api', 100_000);
    expect(policy.judge('api', 800_000, 17, 'ERROR')).toBeDefined();
  });

  it('reads severity from text when the number is missing', () => {
    expect(severityScore(0, 'error')).toBe(0.9);
    expect(severityScore(0, 'WARNING')).toBe(0.7);
    expect(severityScore(0, 'CRITICAL')).toBe(1);
    expect(severityScore(24, '')).toBe(1);
  });

  it('forgets the oldest service past its bound', () => {
    const policy = new NewPatternPolicy({ warmupMs: 0, maxServices: 2 });
    policy.observe('a', 0);
    policy.observe('b', 0);
    policy.observe('c', 0);
    expect(policy.judge('a', 1, 17, 'ERROR')).toBeUndefined();
    expect(policy.judge('c', 1, 17, 'ERROR')).toBeDefined();
  });
});
