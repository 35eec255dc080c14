import { describe, expect, it } from 'vitest';
import { createHysteresis, stepHysteresis, type HysteresisOptions } from './hysteresis.js';

const options: HysteresisOptions = { threshold: 0.5, closeThreshold: 0.3, quietPoints: 3 };

function feed(scores: number[], values: number[] = scores.map((s, i) => (s >= 0.5 ? i * 10 : 0))) {
  const state = createHysteresis();
  return scores.flatMap((score, i) => {
    const change = stepHysteresis(state, options, { timeMs: i, value: values[i], score, expected: 0, lower: -1, upper: 1 });
    return change ? [{ at: i, ...change }] : [];
  });
}

describe('hysteresis', () => {
  it('one event is one anomaly: opens at the threshold, updates on a higher peak, closes after quiet points', () => {
    const events = feed([0, 0.6, 0.4, 0.7, 0.35, 0.1, 0.2, 0.1, 0]);
    expect(events.map((e) => [e.transition, e.at])).toEqual([
      ['open', 1],
      ['update', 3],
      ['close', 7],
    ]);
    const closed = events[2].anomaly;
    expect(closed).toMatchObject({ startMs: 1, endMs: 4, peakScore: 0.7, peakMs: 3, actual: 30 });
  });

  it('a score between the two thresholds neither opens nor lets an open anomaly go quiet', () => {
    expect(feed([0.4, 0.45, 0.3])).toEqual([]);
    const events = feed([0.9, 0.2, 0.2, 0.31, 0.2, 0.2, 0.2]);
    expect(events.map((e) => [e.transition, e.at])).toEqual([
      ['open', 0],
      ['close', 6],
    ]);
  });

  it('stays open while the value is outside the band it had at opening, until the rebaseline horizon', () => {
    // The detector adapts (scores fall to 0) but the series has not come back.
    const stuck = feed([0.9, 0, 0, 0, 0, 0, 0, 0], [50, 50, 50, 50, 50, 0, 0, 0]);
    expect(stuck.map((e) => [e.transition, e.at])).toEqual([
      ['open', 0],
      ['close', 7],
    ]);
    expect(stuck[1].anomaly.endMs).toBe(4);
    const state = createHysteresis();
    const transitions = [];
    for (let i = 0; i < 80; i++) transitions.push(stepHysteresis(state, { ...options, rebaselinePoints: 60 }, { timeMs: i, value: 50, score: i === 0 ? 0.9 : 0, expected: 0, lower: -1, upper: 1 })?.transition);
    expect(transitions.indexOf('close')).toBe(63); // a new normal after 60 points, then 3 quiet
  });

  it('closes once the value is back most of the way, even when noise still crosses a narrow opening band', () => {
    // Band at opening ±1 around 0; the burst peaks at 40; afterwards noise of ±3 around 0.
    const state = createHysteresis();
    const values = [40, 30, 2, -3, 3, -2, 3, 2, -3];
    const transitions = values.map((value, i) => stepHysteresis(state, options, { timeMs: i, value, score: i === 0 ? 0.9 : 0, expected: 0, lower: -1, upper: 1 })?.transition);
    expect(transitions.indexOf('close')).toBe(4); // quiet from the third point on, closed after 3 of them
  });

  it('a capped score that grows much further out is a new peak (a flood at 20x says 20x, not the 2x it opened at)', () => {
    const events = feed([0.75, 0.75, 0.75, 0.75], [2, 2.5, 20, 24]);
    expect(events.map((e) => [e.transition, e.at])).toEqual([
      ['open', 0],
      ['update', 2], // 2.5 is not half as far again; 24 is not half as far again as 20
    ]);
    expect(events[1].anomaly).toMatchObject({ peakScore: 0.75, actual: 20, peakMs: 2 });
    expect(feed([0.9, 0.9, 0.9], [0, 0, 0]).map((e) => e.transition)).toEqual(['open']); // equal scores at the expected value
  });

  it('a new burst after closing is a new anomaly', () => {
    const events = feed([0.8, 0, 0, 0, 0.9, 0, 0, 0]);
    expect(events.map((e) => e.transition)).toEqual(['open', 'close', 'open', 'close']);
    expect(events[2].anomaly.startMs).toBe(4);
  });
});
