import { describe, expect, it } from 'vitest';
import { scoreLoghub } from './score.js';

describe('scoreLoghub', () => {
  it('computes GA, PA, FGA and FTA of a hand-made case', () => {
    // GT groups: a(2) b(2) c(1) d(1); predicted groups: 'a <*>'(2) 'b x'(1) 'b <*>'(1) 'c'(2).
    const truth = ['a <*>', 'a <*>', 'b <*>', 'b <*>', 'c', 'd'];
    const pred = ['a <*>', 'a <*>', 'b x', 'b <*>', 'c', 'c'];
    const s = scoreLoghub(truth, pred);
    // GA: only group a maps onto one predicted group of its own size → 2/6.
    expect(s.ga).toBeCloseTo(2 / 6, 10);
    // PA: lines 1, 2, 4, 5 carry the exact string → 4/6.
    expect(s.pa).toBeCloseTo(4 / 6, 10);
    // FGA: 1 correctly grouped; 4 predicted, 4 true groups → P = R = 1/4.
    expect(s.fga).toBeCloseTo(0.25, 10);
    // FTA: 'a <*>' and 'b <*>' are right ('b x' wrong, 'c' also covers d) → P = R = 2/4.
    expect(s.fta).toBeCloseTo(0.5, 10);
    expect(s.truthTemplates).toBe(4);
    expect(s.predictedTemplates).toBe(4);
  });

  it('groups by template string: two ids printing the same text are one group', () => {
    const s = scoreLoghub(['x', 'x', 'y'], ['t', 't', 'u']);
    expect(s.ga).toBe(1);
    expect(s.pa).toBe(0);
    expect(s.fga).toBe(1);
    expect(s.fta).toBe(0);
  });

  it('skips unlabelled lines and treats missing predictions as the empty template', () => {
    const s = scoreLoghub(['x', '', 'x', 'y'], ['x', 'anything', 'x']);
    expect(s.lines).toBe(3);
    expect(s.ga).toBe(1);
    expect(s.pa).toBeCloseTo(2 / 3, 10);
  });
});
