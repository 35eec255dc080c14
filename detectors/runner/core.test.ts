import { describe, expect, it } from 'vitest';
import { anomalyId, DetectionCore, type CoreOptions, type StateSnapshot } from './core.js';
import { Lru } from './lru.js';
import { seriesKey, type SeriesId, type SeriesPoint } from './series.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const OPTIONS: CoreOptions = { detector: 'vigil', threshold: 0.5, closeThreshold: 0.3, quietPoints: 5, maxSeries: 100, maxGapMinutes: 60 };

function noise(seed: number) {
  let s = seed;
  const u = () => (s = (s * 16807) % 2147483647) / 2147483647;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const gauge = (service: string): SeriesId => ({ signal: 'metric', service, name: 'cpu', stat: 'value', attributes: {} });
const point = (id: SeriesId, minute: number, value: number): SeriesPoint => ({ key: seriesKey(id), id, timeMs: T0 + minute * MIN, value });

describe('LRU', () => {
  it('evicts the least recently used entry and tells', () => {
    const evicted: string[] = [];
    const lru = new Lru<number>(2, (k) => evicted.push(k));
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect([...lru.entries()].map(([k]) => k)).toEqual(['a', 'c']);
  });
});

describe('detection core', () => {
  it('scores each series in event time and drops points older than its last', () => {
    const core = new DetectionCore(OPTIONS);
    const id = gauge('a');
    const out = core.process([point(id, 1, 1), point(id, 2, 2), point(id, 2, 3), point(id, 0, 4)]);
    expect(out.scores.map((s) => s.timeMs)).toEqual([T0 + MIN, T0 + 2 * MIN]);
    expect(core.stalePoints).toBe(2);
  });

  it('feeds zeros to a count series for the minutes it was silent', () => {
    const core = new DetectionCore(OPTIONS);
    const id: SeriesId = { signal: 'log_rate', service: 'a', name: 'ERROR', stat: 'count', attributes: {} };
    const out = core.process([point(id, 0, 3), point(id, 4, 2)]);
    expect(out.scores.map((s) => [(s.timeMs - T0) / MIN, s.value])).toEqual([[0, 3], [1, 0], [2, 0], [3, 0], [4, 2]]);
    const gaugeOut = core.process([point(gauge('a'), 0, 3), point(gauge('a'), 4, 2)]);
    expect(gaugeOut.scores).toHaveLength(2);
  });

  it('a level shift after warm-up is one anomaly until the series is back, with a deterministic id', () => {
    const core = new DetectionCore(OPTIONS);
    const id = gauge('a');
    const n = noise(7);
    const points = Array.from({ length: 330 }, (_, m) => point(id, m, 100 + 2 * n() + (m >= 300 && m < 312 ? 60 : 0)));
    const events = core.process(points).events.filter((e) => e.anomaly.startMs >= T0 + 300 * MIN);
    expect(events.map((e) => e.type)).toEqual(['open', 'close']);
    expect(events[0].anomaly).toMatchObject({ startMs: T0 + 300 * MIN, status: 'open', signal: 'metric', service: 'a', detector: 'vigil' });
    expect(events[1].anomaly).toMatchObject({ status: 'closed', endMs: T0 + 311 * MIN }); // open while shifted, though scores fell
    expect(events[0].anomaly.id).toBe(anomalyId(seriesKey(id), T0 + 300 * MIN));
  });

  it('snapshot/restore round trip: a restored series continues exactly where it was', () => {
    const id = gauge('a');
    const n = noise(3);
    const values = Array.from({ length: 400 }, (_, m) => 50 + n() + (m === 380 ? 30 : 0));
    const straight = new DetectionCore(OPTIONS).process(values.map((v, m) => point(id, m, v))).scores;

    const first = new DetectionCore(OPTIONS);
    first.process(values.slice(0, 200).map((v, m) => point(id, m, v)));
    const [snap] = first.dirtySnapshots();
    expect(first.dirtySnapshots()).toEqual([]); // clean until it changes
    const second = new DetectionCore(OPTIONS);
    expect(second.missingKeys([point(id, 200, 0)])).toEqual([snap.key]);
    second.adopt(snap.key, id, snap.snapshot);
    expect(second.restoredSeries).toBe(1);
    const resumed = second.process(values.slice(200).map((v, i) => point(id, 200 + i, v))).scores;
    expect(resumed).toEqual(straight.slice(200));
    expect(second.process([point(id, 150, 1)]).scores).toEqual([]); // its time is restored too
  });

  it('bounds the states in memory and hands evicted ones back as snapshots', () => {
    const core = new DetectionCore({ ...OPTIONS, maxSeries: 2 });
    const out = core.process([point(gauge('a'), 0, 1), point(gauge('b'), 0, 1), point(gauge('c'), 0, 1)]);
    expect(core.seriesInMemory).toBe(2);
    expect(out.evicted.map((s: StateSnapshot) => s.key)).toEqual([seriesKey(gauge('a'))]);
    expect(out.evicted[0].lastTimeMs).toBe(T0);
    const back = new DetectionCore({ ...OPTIONS, maxSeries: 2 });
    back.adopt(out.evicted[0].key, gauge('a'), out.evicted[0].snapshot);
    expect(back.process([point(gauge('a'), 0, 1)]).scores).toEqual([]);
  });

  it('relearns from an unreadable snapshot instead of failing', () => {
    const core = new DetectionCore(OPTIONS);
    core.adopt('k', gauge('a'), 'not json');
    expect(core.restoredSeries).toBe(0);
    expect(core.process([{ ...point(gauge('a'), 0, 1), key: 'k' }]).scores).toHaveLength(1);
  });
});

describe('early scoring of minutes in progress', () => {
  const warm = (id: SeriesId, minutes: number) => {
    const n = noise(11);
    return Array.from({ length: minutes }, (_, m) => point(id, m, 100 + 2 * n()));
  };

  it('opens an anomaly from a provisional point, and the real minute takes it over under the same id', () => {
    const core = new DetectionCore(OPTIONS);
    const id = gauge('a');
    core.process(warm(id, 300));
    expect(core.peek([point(id, 300, 101)])).toEqual([]); // inside the band: not even scored
    const early = core.peek([point(id, 300, 160)]);
    expect(early.map((e) => e.type)).toEqual(['open']);
    expect(early[0].anomaly).toMatchObject({ id: anomalyId(seriesKey(id), T0 + 300 * MIN), startMs: T0 + 300 * MIN, status: 'open', detector: 'vigil-early' });
    expect(core.peek([point(id, 300, 160)])).toEqual([]); // same evidence: nothing new
    const real = core.process([point(id, 300, 160)]).events;
    expect(real.map((e) => [e.type, e.anomaly.id, e.anomaly.detector])).toEqual([['open', early[0].anomaly.id, 'vigil']]);
  });

  it('closes the early anomaly when the closed minute turns out normal', () => {
    const core = new DetectionCore(OPTIONS);
    const id = gauge('a');
    core.process(warm(id, 300));
    const [opened] = core.peek([point(id, 300, 160)]);
    const events = core.process([point(id, 300, 100)]).events;
    expect(events.map((e) => [e.type, e.anomaly.id, e.anomaly.status])).toEqual([['close', opened.anomaly.id, 'closed']]);
  });

  it('stays quiet before warm-up, and leaves the live state untouched', () => {
    const core = new DetectionCore(OPTIONS);
    const id = gauge('a');
    core.process(warm(id, 20));
    expect(core.peek([point(id, 20, 1e6)])).toEqual([]);
    const twin = new DetectionCore(OPTIONS);
    twin.process(warm(id, 300));
    core.process(warm(id, 300).slice(20));
    core.peek([point(id, 300, 160)]);
    expect(core.process([point(id, 300, 100)]).scores).toEqual(twin.process([point(id, 300, 100)]).scores);
  });

  it('an anomaly called from a service gone silent names that stage, from open to settling', () => {
    const core = new DetectionCore(OPTIONS);
    const id: SeriesId = { signal: 'span_rate', service: 'a', name: 'GET /', stat: 'count', attributes: {} };
    const n = noise(5);
    core.process(Array.from({ length: 300 }, (_, m) => point(id, m, Math.round(37 + 4 * n()))));
    // 10 s of the minute came before the silence: 6 spans as it stands, 20 s silent.
    const [opened] = core.peek([{ ...point(id, 300, 6), silentMs: 20_000 }]);
    expect(opened.anomaly).toMatchObject({ detector: 'vigil-silence', status: 'open', actual: 6 });
    expect(core.peek([{ ...point(id, 300, 6) }])).toEqual([]); // the same evidence once more: nothing new
    const closed = core.process([point(id, 300, 37)]).events; // the data was only late after all
    expect(closed.map((e) => [e.type, e.anomaly.id, e.anomaly.detector])).toEqual([['close', opened.anomaly.id, 'vigil-silence']]);
  });

  it('an early anomaly survives a snapshot/restore and is still settled', () => {
    const core = new DetectionCore(OPTIONS);
    const id = gauge('a');
    core.process(warm(id, 300));
    const [opened] = core.peek([point(id, 300, 160)]);
    const snap = core.dirtySnapshots().find((s) => s.key === seriesKey(id))!;
    const restored = new DetectionCore(OPTIONS);
    restored.adopt(snap.key, id, snap.snapshot);
    expect(restored.process([point(id, 300, 100)]).events.map((e) => [e.type, e.anomaly.id])).toEqual([['close', opened.anomaly.id]]);
  });
});
