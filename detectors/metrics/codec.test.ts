import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from './codec.js';
import { createDetector, restore, snapshot, step } from './index.js';
import { daily, DAY_POINTS, makeSeries } from './test-fixtures.js';

describe('detector state codec', () => {
  it('round-trips typed arrays exactly, nested in plain JSON', () => {
    const state = { a: 1.5, nested: { f64: Float64Array.of(Math.PI, -0, 1e-300), f32: Float32Array.of(NaN, 0.1), u16: Uint16Array.of(0, 65535), i16: Int16Array.of(-1), i32: Int32Array.of(-5, 7) } };
    const back = decodeState(encodeState(state)) as typeof state;
    expect(back.a).toBe(1.5);
    expect(back.nested.f64).toBeInstanceOf(Float64Array);
    expect(Array.from(back.nested.f64)).toEqual([Math.PI, -0, 1e-300]);
    expect(Number.isNaN(back.nested.f32[0])).toBe(true);
    expect(back.nested.f32[1]).toBe(Math.fround(0.1));
    expect(Array.from(back.nested.u16)).toEqual([0, 65535]);
    expect(Array.from(back.nested.i16)).toEqual([-1]);
    expect(Array.from(back.nested.i32)).toEqual([-5, 7]);
  });

  it('refuses a malformed typed array', () => {
    expect(() => decodeState('{"x":{"$typed":"Float64Array","base64":"AAA="}}')).toThrow(/not a detector snapshot/);
    expect(() => decodeState('{"x":{"$typed":"Array","base64":""}}')).toThrow(/not a detector snapshot/);
  });

  it('refuses a vigil snapshot of an older state layout, so the runner relearns the series', () => {
    const old = JSON.parse(snapshot(createDetector())) as Record<string, unknown>;
    delete old.version;
    expect(() => restore(JSON.stringify(old))).toThrow(/state version/);
  });

  it('keeps a vigil snapshot to tens of KB after ten days of 5-minute data', () => {
    // The runner writes one snapshot per series to the store: size is per-series storage and I/O.
    const f = makeSeries(10 * DAY_POINTS, 31, (i) => daily(i));
    const state = createDetector();
    for (let i = 0; i < f.values.length; i++) step(state, f.timestampMs[i], f.values[i]);
    const text = snapshot(state);
    expect(text.length).toBeLessThan(48_000);
    expect(snapshot(restore(text))).toBe(text);
  });
});
