import { describe, expect, it } from 'vitest';
import { MinuteBucketer } from './bucketer.js';
import { observeLog, observeSpan } from './extract.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const nano = (ms: number) => `${String(Math.floor(ms / 1000)).padStart(9, '0')}.${String((ms % 1000) * 1e6).padStart(9, '0')}`;
const log = (ms: number, severity = 'INFO', service = 'api') => observeLog({ Timestamp: nano(ms), ServiceName: service, SeverityText: severity })!;

describe('minute bucketing in event time', () => {
  it('closes a minute only once event time is the lag past its end', () => {
    const b = new MinuteBucketer({ lagMs: 2 * MIN, maxSources: 100 });
    b.add(log(T0 + 10_000));
    b.add(log(T0 + 20_000));
    b.add(log(T0 + 2 * MIN + 59_000)); // minute 0 ends at 1:00; closes at 3:00
    expect(b.drain()).toEqual([]);
    b.add(log(T0 + 3 * MIN));
    expect(b.drain().map((p) => [p.timeMs, p.value])).toEqual([[T0, 2]]);
  });

  it('takes data out of order within the lag, and drops what comes after its minute closed', () => {
    const b = new MinuteBucketer({ lagMs: 2 * MIN, maxSources: 100 });
    b.add(log(T0 + 2 * MIN + 5_000));
    b.add(log(T0 + 5_000)); // 2 minutes late: still open
    b.add(log(T0 + MIN + 5_000));
    b.add(log(T0 + 4 * MIN));
    expect(b.drain().map((p) => [p.timeMs - T0, p.value])).toEqual([
      [0, 1],
      [MIN, 1],
    ]);
    b.add(log(T0 + 30_000)); // minute 0 has closed
    expect(b.lateDropped).toBe(1);
    expect(b.drain()).toEqual([]);
  });

  it('shares a clock per service and signal family: a quiet severity closes when the service moves on', () => {
    const b = new MinuteBucketer({ lagMs: 0, maxSources: 100 });
    b.add(log(T0, 'ERROR'));
    b.add(log(T0 + MIN, 'INFO'));
    expect(b.drain().map((p) => p.key)).toEqual(['log_rate:api:ERROR:count']);
    b.add(log(T0 + 5 * MIN, 'INFO', 'other')); // another service's clock does not close api's minutes
    expect(b.drain()).toEqual([]);
  });

  it('hands out the zeros of a count series that fell silent as its clock closes minutes, up to the horizon', () => {
    const b = new MinuteBucketer({ lagMs: 0, maxSources: 100, silentZeroMinutes: 3 });
    b.add(log(T0, 'ERROR'));
    b.add(log(T0 + 5_000, 'ERROR'));
    for (let m = 0; m <= 6; m++) b.add(log(T0 + m * MIN + 30_000, 'INFO'));
    const errors = b.drain().filter((p) => p.key === 'log_rate:api:ERROR:count');
    // The clock has closed minutes 0–5: ERROR counted 2, then 0 for three minutes (the horizon).
    expect(errors.map((p) => [(p.timeMs - T0) / MIN, p.value])).toEqual([[0, 2], [1, 0], [2, 0], [3, 0]]);
    b.add(log(T0 + 7 * MIN, 'ERROR')); // speaking again: its minute is open, nothing was closed twice
    b.add(log(T0 + 8 * MIN, 'INFO'));
    expect(b.drain().filter((p) => p.key === 'log_rate:api:ERROR:count').map((p) => [(p.timeMs - T0) / MIN, p.value])).toEqual([[7, 1]]);
  });

  it('without silentZeroMinutes a silent series gets no points (the core fills its gap when it speaks again)', () => {
    const b = new MinuteBucketer({ lagMs: 0, maxSources: 100 });
    b.add(log(T0, 'ERROR'));
    for (let m = 0; m <= 4; m++) b.add(log(T0 + m * MIN + 30_000, 'INFO'));
    expect(b.drain().filter((p) => p.key === 'log_rate:api:ERROR:count').map((p) => p.value)).toEqual([1]);
  });

  it('uses no wall clock: replaying the same data gives the same points', () => {
    const feed = () => {
      const b = new MinuteBucketer({ lagMs: MIN, maxSources: 100 });
      for (let i = 0; i < 50; i++) b.add(log(T0 + i * 7_000, i % 3 ? 'INFO' : 'WARN'));
      return [...b.drain(), ...b.flush()];
    };
    expect(feed()).toEqual(feed());
    expect(feed().reduce((a, p) => a + p.value, 0)).toBe(50);
  });
});

describe('provisional points for early scoring', () => {
  const early = { intervalMs: 10_000, minSamples: 5, minElapsedMs: 30_000 };
  const span = (ms: number, error: boolean) => observeSpan({ Timestamp: nano(ms), ServiceName: 'api', SpanName: 'GET /', Duration: '2000000', StatusCode: error ? 'Error' : 'Unset' })!;

  it('offers the open minutes every interval of event time, the one in progress partial', () => {
    const b = new MinuteBucketer({ lagMs: 2 * MIN, maxSources: 100, early });
    for (let s = 0; s < 60; s++) b.add(span(T0 + s * 1000, false)); // minute 0: 60 calls
    for (let s = 0; s < 12; s++) b.add(span(T0 + MIN + s * 1000, s % 2 === 0)); // minute 1, 12 s in: half errors
    const points = b.provisional();
    const view = points.map((p) => [p.id.signal, (p.timeMs - T0) / MIN, p.value]);
    expect(view).toEqual([
      ['span_rate', 0, 60],
      ['span_errors', 0, 0],
      ['span_latency', 0, expect.closeTo(2, 1)],
      // 11 s into minute 1: too early for a rate, enough spans for the ratio and p95
      ['span_errors', 1, 0.5],
      ['span_latency', 1, expect.closeTo(2, 1)],
    ]);
    expect(b.provisional()).toEqual([]); // nothing new until event time moves on by the interval
    for (let s = 12; s < 40; s++) b.add(span(T0 + MIN + s * 1000, false));
    const later = b.provisional().filter((p) => p.timeMs === T0 + MIN && p.id.signal === 'span_rate');
    expect(later[0].value).toBeCloseTo((40 * MIN) / 39_000, 5); // 40 calls in 39 s, per minute
    expect(b.drain()).toEqual([]); // nothing closed: the lag still holds
  });

  it('is off without options', () => {
    const b = new MinuteBucketer({ lagMs: 2 * MIN, maxSources: 100 });
    for (let s = 0; s < 60; s++) b.add(span(T0 + s * 1000, true));
    expect(b.provisional()).toEqual([]);
  });
});

describe('silence', () => {
  const early = { intervalMs: 10_000, minSamples: 5, minElapsedMs: 30_000 };

  it('offers zero rates for a service whose event time stopped while the others went on', () => {
    const b = new MinuteBucketer({ lagMs: 2 * MIN, maxSources: 100, early });
    for (let s = 0; s < 60; s++) for (const svc of ['a', 'b', 'quiet']) b.add(log(T0 + s * 1000, 'INFO', svc));
    b.provisional();
    // a and b go on for 100 s; quiet says nothing more.
    for (let s = 60; s < 75; s++) for (const svc of ['a', 'b']) b.add(log(T0 + s * 1000, 'INFO', svc));
    expect(b.provisional().filter((p) => p.id.service === 'quiet')).toEqual([]); // 15 s behind: jitter, not silence
    for (let s = 75; s < 135; s++) for (const svc of ['a', 'b']) b.add(log(T0 + s * 1000, 'INFO', svc));
    expect(b.provisional().filter((p) => p.id.service === 'quiet').map((p) => [(p.timeMs - T0) / MIN, p.value])).toEqual([
      [0, 60], // its last minute as it stands
      [1, 0], // then silence; 14 s into minute 2 is too soon to call its rate
    ]);
    for (let s = 135; s < 145; s++) for (const svc of ['a', 'b']) b.add(log(T0 + s * 1000, 'INFO', svc));
    const quiet = b.provisional().filter((p) => p.id.service === 'quiet');
    expect(quiet.map((p) => [(p.timeMs - T0) / MIN, p.value])).toEqual([
      [0, 60],
      [1, 0],
      [2, 0], // 24 s into minute 2, all of them silent: enough (a minute with data would need 30 s)
    ]);
    expect(quiet[1].key).toBe('log_rate:quiet:INFO:count');
    // Each says how long the service has been silent: 144 s of the others' time against its 59 s.
    expect(quiet.map((p) => p.silentMs)).toEqual([85_000, 85_000, 85_000]);
  });

  it('needs a few live services to tell silence from one sender with a clock ahead', () => {
    const b = new MinuteBucketer({ lagMs: 2 * MIN, maxSources: 100, early });
    for (let s = 0; s < 60; s++) b.add(log(T0 + s * 1000, 'INFO', 'a'));
    b.add(log(T0 + 5 * MIN, 'INFO', 'skewed'));
    expect(b.provisional().filter((p) => p.value === 0)).toEqual([]);
  });
});
