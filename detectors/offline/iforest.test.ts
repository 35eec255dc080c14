import { IsolationForest } from 'ml-isolation-forest';
import { describe, expect, it } from 'vitest';
import { averagePathLength, parseIForestModel, scoreIForest, trainIForest, type IForestModel } from './iforest.js';
import { IForestStream, iforestSeriesKey } from './iforest-stream.js';

/** Deterministic noise: a linear congruential generator and the sum of uniforms (≈ normal). */
function noise(seed: number): () => number {
  let s = seed;
  const u = () => ((s = (s * 1664525 + 1013904223) % 4294967296) / 4294967296);
  return () => u() + u() + u() + u() + u() + u() - 3;
}

const FEATURES = ['Calls', 'ErrorRatio', 'P95Ms', 'LogErrorRatio', 'CpuUtilization'];

/** A healthy service's minutes: steady calls, few errors, steady latency, no CPU gauge (constant 0). */
function healthyMinutes(n: number, seed = 7): number[][] {
  const g = noise(seed);
  return Array.from({ length: n }, () => [100 + 8 * g(), Math.max(0, 0.004 + 0.002 * g()), 50 + 4 * g(), Math.max(0, 0.01 + 0.004 * g()), 0]);
}

function model(): IForestModel {
  return trainIForest(new Map([['checkout', healthyMinutes(600)], ['tiny', healthyMinutes(5)]]), FEATURES);
}

describe('isolation forest', () => {
  it('scores a minute where errors, latency and error logs rise together far above the normal minutes', () => {
    const m = model();
    const normal = healthyMinutes(50, 99).map((x) => scoreIForest(m, 'checkout', x)!);
    const incident = scoreIForest(m, 'checkout', [95, 0.3, 400, 0.4, 0])!;
    expect(Math.max(...normal)).toBeLessThan(0.62);
    expect(incident).toBeGreaterThan(0.65); // 0.68–0.74 over repeated trainings (splits are random)
    expect(incident).toBeGreaterThan(m.services.checkout.scoreQuantile);
  });

  it('learns each service on its own and leaves out services with too little history', () => {
    const m = model();
    expect(Object.keys(m.services)).toEqual(['checkout']);
    expect(scoreIForest(m, 'tiny', [100, 0, 50, 0, 0])).toBeUndefined();
    // The constant feature (no CPU gauge) is not split on.
    expect(m.services.checkout.columns).toEqual([0, 1, 2, 3]);
    expect(m.services.checkout.trees).toHaveLength(100);
    expect(m.services.checkout.sampleSize).toBe(256);
  });

  it('isolates a minute that differs on a feature that never varied in training (errors where there were none)', () => {
    const rows = healthyMinutes(300).map((r) => [r[0], 0, r[2]]); // no errors at all in training
    const m = trainIForest(new Map([['s', rows]]), ['Calls', 'ErrorRatio', 'P95Ms']);
    expect(m.services.s.columns).toEqual([0, 2]);
    expect(m.services.s.constants).toEqual({ '1': 0 });
    const normal = scoreIForest(m, 's', [100, 0, 50])!;
    const errors = scoreIForest(m, 's', [100, 0.3, 50])!;
    expect(normal).toBeLessThan(0.5);
    expect(errors).toBeGreaterThan(0.7);
    expect(errors).toBeGreaterThan(m.services.s.scoreQuantile);
  });

  it('survives a round trip through JSON (what detector_models stores)', () => {
    const m = model();
    const back = parseIForestModel(JSON.stringify(m));
    const x = [100, 0.2, 300, 0.3, 0];
    expect(scoreIForest(back, 'checkout', x)).toBe(scoreIForest(m, 'checkout', x));
    expect(() => parseIForestModel('{"v":2}')).toThrow(/not an iforest model/);
  });

  it('uses the paper\'s c(n) and agrees with the library on which point is the outlier', () => {
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 3);
    const rows = healthyMinutes(256).map((r) => r.slice(0, 4));
    const library = new IsolationForest({ nEstimators: 100 });
    library.train(rows);
    const [libNormal, libOutlier] = library.predict([[100, 0.004, 50, 0.01], [95, 0.3, 400, 0.4]]);
    const m = trainIForest(new Map([['s', rows]]), FEATURES.slice(0, 4));
    expect(libOutlier).toBeGreaterThan(libNormal);
    expect(scoreIForest(m, 's', [95, 0.3, 400, 0.4])!).toBeGreaterThan(scoreIForest(m, 's', [100, 0.004, 50, 0.01])! + 0.2);
  });
});

describe('iforest on the live stream', () => {
  it('opens one anomaly for a run of anomalous minutes and closes it when the service recovers', () => {
    const stream = new IForestStream(model(), { threshold: 0.6, quietPoints: 2, modelName: 'default' });
    const t0 = Date.UTC(2026, 0, 1);
    const minute = (i: number, bad: boolean) => ({ service: 'checkout', minuteMs: t0 + i * 60_000, values: bad ? [90, 0.35, 450, 0.5, null] : [100, 0.004, 50, 0.01, null] });
    const out = stream.process([...Array.from({ length: 10 }, (_, i) => minute(i, i >= 4 && i < 7)), { service: 'unknown', minuteMs: t0, values: [1, 1, 1, 1, 1] }]);
    expect(out.scored).toBe(10);
    expect(out.events.map((e) => e.type)).toEqual(['open', 'close']);
    const closed = out.events[1].anomaly;
    expect(closed).toMatchObject({ signal: 'service_features', detector: 'iforest', service: 'checkout', seriesKey: iforestSeriesKey('checkout'), startMs: t0 + 4 * 60_000, status: 'closed' });
    expect(closed.endMs).toBe(t0 + 6 * 60_000);
    expect(closed.peakScore).toBeGreaterThan(0.6);
    expect(closed.attributes).toMatchObject({ model: 'default', ErrorRatio: '0.35' });
    // A minute seen again (a re-read) is not scored twice.
    expect(stream.process([minute(9, false)]).scored).toBe(0);
  });
});

describe('iforest anomalies in incidents', () => {
  it('are whole-service judgements: saturation family, not errors (no severity attribute to read)', async () => {
    const { familyOf, signalWeight, canOpen } = await import('../incidents/index.js');
    const a = { signal: 'service_features', name: 'iforest', stat: 'score', attributes: { model: 'default', ErrorRatio: '0.4' }, peakScore: 0.8, expected: 0.5, actual: 0.8 };
    expect(familyOf(a)).toBe('saturation');
    expect(signalWeight(a)).toBe(0.6);
    expect(canOpen(a, 0.6)).toBe(true);
  });
});
