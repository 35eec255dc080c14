import { describe, expect, it } from 'vitest';
import { MinuteBucketer } from './bucketer.js';
import { observeLog } from './extract.js';

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
