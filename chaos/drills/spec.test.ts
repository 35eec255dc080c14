import { describe, expect, it } from 'vitest';
import { drillLibrary } from './library.js';
import { parseDrillSpec } from './spec.js';

describe('drill specs', () => {
  it('fills in defaults from a minimal spec', () => {
    const spec = parseDrillSpec('name: quick\nfaults:\n  - { type: latency, service: payments }\n');
    expect(spec).toMatchObject({
      name: 'quick',
      target: { kind: 'synthetic', ratePerSecond: 5, warmupMs: 3 * 3_600_000, speed: 1 },
      faults: [{ type: 'latency', service: 'payments', atMs: 60_000, durationMs: 180_000 }],
      blastRadius: ['payments'],
      expect: { detectWithinMs: 30_000, pageWithinMs: 60_000, rootCause: 'payments', maxFalseAlarms: 0 },
      canary: true,
    });
  });

  it.each([
    ['name: Bad Name\nfaults: [{type: latency, service: a}]', /spec.name/],
    ['name: x', /spec.faults: must list at least one fault/],
    ['name: x\nfaults: [{type: meteor, service: a}]', /spec.faults\[0\].type: unknown fault type/],
    ['name: x\nfaults: [{type: latency, service: a, at: soon}]', /spec.faults\[0\].at/],
    ['name: x\nfaults: [{type: latency, service: a}]\nsteadyState: [{service: a, metric: vibes, max: 1}]', /spec.steadyState\[0\].metric/],
    ['name: x\nfaults: [{type: latency, service: a}]\ntarget: {kind: real}', /spec.target.services/],
    ['name: x\nfaults: [{type: latency, service: a}]\nsurprise: 1', /spec.surprise: unknown field/],
    ['name: [', /not YAML/],
  ])('refuses %j naming the field', (text, message) => {
    expect(() => parseDrillSpec(text)).toThrow(message);
  });

  it('the library covers every fault type with valid drills', () => {
    const library = drillLibrary();
    const types = [...new Set(library.map((d) => d.spec.faults[0].type))].sort();
    expect(types).toEqual(['bad-deploy', 'dependency-down', 'error-burst', 'latency', 'level-shift', 'log-flood', 'new-error-pattern', 'saturation', 'telemetry-loss']);
    expect(library.length).toBeGreaterThanOrEqual(10); // issue #6 measures root cause over at least ten faults
    for (const d of library) expect(d.spec.blastRadius).toContain(d.spec.expect.rootCause);
  });
});
