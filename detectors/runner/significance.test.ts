import { describe, expect, it } from 'vitest';
import { operationalScore, significant } from './significance.js';

const band = (expected: number, half: number, score = 0) => ({ score, expected, lower: expected - half, upper: expected + half });

describe('operational score', () => {
  it('a value far outside its band is anomalous even when the detector is muted', () => {
    expect(operationalScore({ signal: 'span_errors' }, 0.4, band(0.005, 0.01), true)).toBe(0.75);
    expect(operationalScore({ signal: 'metric' }, 160, band(100, 8, 0.2), true)).toBe(0.75);
    expect(operationalScore({ signal: 'metric' }, 110, band(100, 8, 0.2), true)).toBe(0.2); // outside, not far: the detector decides
  });

  it('a stray error on a sparse series is not extreme, however narrow its band', () => {
    expect(operationalScore({ signal: 'span_errors' }, 0.011, band(0.0005, 0.001, 0.1), true)).toBe(0.1);
    expect(operationalScore({ signal: 'log_rate' }, 3, band(0.2, 0.3, 0), true)).toBe(0);
    expect(operationalScore({ signal: 'log_rate' }, 40, band(0.2, 0.3, 0), true)).toBe(0.75);
  });

  it('a change too small to matter scores nothing', () => {
    expect(significant({ signal: 'span_errors' }, 0.004, 0.001)).toBe(false);
    expect(operationalScore({ signal: 'span_errors' }, 0.004, band(0.001, 0.0005, 0.9), true)).toBe(0);
    expect(operationalScore({ signal: 'span_latency' }, 3.5, band(2, 0.1, 0.9), true)).toBe(0); // +1.5 ms
    expect(operationalScore({ signal: 'span_latency' }, 450, band(30, 3, 0.1), true)).toBe(0.75);
  });

  it('a duration metric is a latency: a fifth is the least that counts, half is extreme', () => {
    const duration = { signal: 'metric' as const, name: 'http.server.request.duration', stat: 'mean' as const };
    expect(operationalScore(duration, 0.057, band(0.05, 0.002, 0.6), true)).toBe(0); // +14%: one slow request at a few per second
    expect(operationalScore(duration, 0.065, band(0.05, 0.002, 0.2), true)).toBe(0.2); // +30%: the detector decides, not extreme
    expect(operationalScore(duration, 0.45, band(0.05, 0.002, 0.2), true)).toBe(0.75);
    expect(operationalScore({ signal: 'metric', name: 'process.memory.usage', stat: 'value' }, 1.3e8, band(1e8, 2e6, 0.2), true)).toBe(0.75); // other metrics: 20% is extreme
  });

  it('a steady stream off by a record or two has not moved, however narrow its band', () => {
    expect(operationalScore({ signal: 'log_rate' }, 61, band(60, 0.01, 0.9), true)).toBe(0); // one heartbeat a second, extrapolated
    expect(operationalScore({ signal: 'log_rate' }, 0, band(60, 0.01, 0.9), true)).toBe(0.9); // it stopped
    expect(operationalScore({ signal: 'log_rate' }, 3, band(0.2, 0.3, 0.6), true)).toBe(0.6); // rare errors: three is a move
  });

  it('one stray error on a span called a dozen times a minute is no change; a burst of them is', () => {
    expect(operationalScore({ signal: 'span_errors' }, 1 / 12, band(0.002, 0.003, 0.9), true, 12)).toBe(0);
    expect(operationalScore({ signal: 'span_errors' }, 2 / 12, band(0.002, 0.003, 0.4), true, 12)).toBe(0.4); // counts, not extreme
    expect(operationalScore({ signal: 'span_errors' }, 5 / 12, band(0.002, 0.003, 0.4), true, 12)).toBe(0.75);
    expect(operationalScore({ signal: 'span_errors' }, 0.4, band(0.005, 0.01), true, 300)).toBe(0.75);
  });

  it('a count that stops is anomalous when its band stays clear of zero and Poisson noise cannot explain it', () => {
    expect(operationalScore({ signal: 'span_rate' }, 0, band(36, 20, 0.43), true)).toBe(0.75); // a wide band: not 3 half-widths off
    expect(operationalScore({ signal: 'log_rate' }, 0, band(36, 20, 0), true)).toBe(0.75); // the silence goes on: the detector is muted
    expect(operationalScore({ signal: 'span_rate' }, 0, band(36, 40, 0.3), true)).toBe(0.3); // zero is within normal
    expect(operationalScore({ signal: 'span_rate' }, 0, band(8, 6, 0.3), true)).toBe(0.3); // P(0 | 8 a minute) is no outage
    expect(operationalScore({ signal: 'metric' }, 0, band(36, 20, 0.3), true)).toBe(0.3); // a gauge at zero is a value like any other
  });

  it('the minute in which a service fell silent counts as stopped as it stands, when the silence is news', () => {
    // 37 a minute, silent 20 s after 10 s of data: 6 as it stands, 12 records missed in the silence.
    expect(operationalScore({ signal: 'span_rate' }, 6, band(37, 20, 0.3), true, undefined, true, 20_000)).toBe(0.75);
    expect(operationalScore({ signal: 'span_rate' }, 6, band(37, 20, 0.3), true, undefined, true)).toBe(0.3); // not silent: the minute goes on
    expect(operationalScore({ signal: 'span_rate' }, 25, band(37, 10, 0.3), true, undefined, true, 20_000)).toBe(0.3); // within reach of normal
    // 12 a minute: 20 s without a record is 4 missed, no news; after 60 s it is.
    expect(operationalScore({ signal: 'log_rate' }, 1, band(12, 6, 0.3), true, undefined, true, 20_000)).toBe(0.3);
    expect(operationalScore({ signal: 'log_rate' }, 1, band(12, 6, 0.3), true, undefined, true, 60_000)).toBe(0.75);
  });

  it('a minute in progress counts for latency and errors only when they moved far: they come from a fraction of the spans', () => {
    expect(operationalScore({ signal: 'span_latency' }, 16, band(12, 2, 0.8), true, 25)).toBe(0.8); // closed: the detector decides
    expect(operationalScore({ signal: 'span_latency' }, 16, band(12, 2, 0.8), true, 25, true)).toBe(0); // early: +33%, +4 ms is not far
    expect(operationalScore({ signal: 'span_latency' }, 412, band(12, 2, 0.8), true, 25, true)).toBe(0.8); // early: +400 ms is
    expect(operationalScore({ signal: 'span_errors' }, 0.4, band(0.005, 0.01, 0.8), true, 25, true)).toBe(0.8); // early: 40% is far
    expect(operationalScore({ signal: 'span_errors' }, 0.1, band(0.01, 0.02, 0.51), true, 20)).toBe(0.51); // closed: the detector decides
    expect(operationalScore({ signal: 'span_errors' }, 0.1, band(0.01, 0.02, 0.51), true, 20, true)).toBe(0); // early: 2 failures in 20 spans
    expect(operationalScore({ signal: 'span_rate' }, 80, band(37, 5, 0.8), true, undefined, true)).toBe(0.8); // counts as before
  });

  it('a latency below its band is no anomaly: faster is not a fault', () => {
    expect(operationalScore({ signal: 'span_latency' }, 4, band(30, 3, 0.9), true)).toBe(0); // a caller whose callee fails fast
    expect(operationalScore({ signal: 'span_latency' }, 90, band(30, 3, 0.9), true)).toBe(0.9);
    const duration = { signal: 'metric' as const, name: 'http.server.request.duration', stat: 'p95' as const };
    expect(operationalScore(duration, 0.01, band(0.05, 0.002, 0.9), true)).toBe(0);
    expect(operationalScore({ signal: 'span_rate' }, 4, band(30, 3, 0.9), true)).toBe(0.9); // a drop in traffic still counts
  });

  it('leaves a detector in warm-up alone', () => {
    expect(operationalScore({ signal: 'metric' }, 1e9, band(1, 0.1, 0), false)).toBe(0);
  });
});
