import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from './codec.js';
import { createShape, SHAPE_DEFAULTS, stepShape, type ShapeState } from './shape.js';
import { daily, DAY_POINTS, makeSeries, seededRandom, type Fixture } from './test-fixtures.js';

const o = SHAPE_DEFAULTS;
/** Points before the shape detector scores: the first full window plus the warm-up. */
const WARMUP = o.blockPoints * (o.windowSteps + o.strideSteps * o.warmupWindows);
const ALARM = 0.3;

function alarms(f: Fixture, state: ShapeState = createShape(o)): number[] {
  const rows: number[] = [];
  f.values.forEach((v, i) => {
    if (stepShape(state, o, v) >= ALARM && i >= WARMUP) rows.push(i);
  });
  return rows;
}

describe('shape novelty detector: labelled synthetic fixtures', () => {
  it('stays quiet on a clean daily cycle and on a flat line', () => {
    expect(alarms(makeSeries(10 * DAY_POINTS, 21, (i) => daily(i), () => 0.5))).toEqual([]);
    expect(alarms(makeSeries(3000, 22, () => 5, () => 0))).toEqual([]);
  });

  it('flags a daily cycle that goes flat for half a day, near its start', () => {
    const at = 7 * DAY_POINTS + 60;
    const f = makeSeries(10 * DAY_POINTS, 23, (i) => (i >= at && i < at + DAY_POINTS / 2 ? 50 : daily(i)), () => 0.5);
    const a = alarms(f);
    expect(a.length).toBeGreaterThan(0);
    expect(a[0]).toBeGreaterThanOrEqual(at);
    expect(a[0]).toBeLessThan(at + 60);
  });

  it('scores a jump to a level never seen far above the noise, once', () => {
    const f = makeSeries(3000, 24, (i) => (i < 2000 ? 10 : 30));
    const state = createShape(o);
    const scores = f.values.map((v) => stepShape(state, o, v));
    const strong = scores.flatMap((s, i) => (s >= 0.6 ? [i] : []));
    expect(strong).toHaveLength(1);
    expect(strong[0]).toBeGreaterThanOrEqual(2000);
    expect(strong[0]).toBeLessThan(2000 + 2 * o.blockPoints);
    expect(Math.max(...scores.slice(0, 2000))).toBeLessThan(0.5);
  });

  it('keeps at most maxPrototypes prototypes on a random walk', () => {
    const rand = seededRandom(25);
    const state = createShape(o);
    let v = 0;
    for (let i = 0; i < 20_000; i++) stepShape(state, o, (v += rand() - 0.5));
    expect(state.art.count).toBe(o.maxPrototypes);
  });

  it('resumes from a snapshot with identical scores', () => {
    const f = makeSeries(3000, 26, (i) => daily(i) + (i >= 2500 ? 30 : 0));
    const whole = createShape(o);
    const scores = f.values.map((v) => stepShape(whole, o, v));
    let state = createShape(o);
    for (let i = 0; i < 1700; i++) stepShape(state, o, f.values[i]);
    state = decodeState(encodeState(state)) as ShapeState;
    for (let i = 1700; i < 3000; i++) expect(stepShape(state, o, f.values[i])).toBe(scores[i]);
  });
});
