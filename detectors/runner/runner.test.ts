import { describe, expect, it } from 'vitest';
import type { Store } from '../../analytics/index.js';
import { MemoryBus, type GaugeRow, type IngestEnvelope } from '../../ingest/index.js';
import { DetectorRunner, type AnomalyMessage } from './runner.js';

/**
 * The runner's I/O around the pure core, against a fake below the Store port (the
 * real store is exercised by the e2e suites).
 */
const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const nano = (ms: number) => `${String(Math.floor(ms / 1000)).padStart(9, '0')}.000000000`;

function gauge(minute: number, value = 1, name = 'm'): GaugeRow {
  return { ServiceName: 'svc', MetricName: name, Attributes: {}, ResourceAttributes: {}, TimeUnix: nano(T0 + minute * MIN), StartTimeUnix: nano(0), Value: value } as unknown as GaugeRow;
}

class FakeStore {
  readonly kind = 'chdb' as const;
  inserts: Array<{ table: string; rows: any[] }> = [];
  queryFailures = 0;
  hang = false;
  async query<Row>(): Promise<Row[]> {
    if (this.hang) await new Promise(() => {});
    if (this.queryFailures > 0) {
      this.queryFailures--;
      throw new Error('store down');
    }
    return [];
  }
  async insertJsonEachRow(table: string, body: Buffer): Promise<void> {
    this.inserts.push({ table, rows: body.toString('utf8').split('\n').map((l) => JSON.parse(l)) });
  }
  rows(table: string): any[] {
    return this.inserts.filter((i) => i.table === table).flatMap((i) => i.rows);
  }
}

async function setup(store: FakeStore, maxSeries = 10) {
  const bus = new MemoryBus<IngestEnvelope>();
  await bus.subscribe({ topic: 'vigil.metrics', groupId: 'writer', onBatch: async () => {} });
  const published: AnomalyMessage[] = [];
  const anomalies = { publish: async (_topic: string, messages: Array<{ value: AnomalyMessage }>) => void published.push(...messages.map((m) => m.value)) };
  const silent = { warn: () => {}, error: () => {} };
  const runner = new DetectorRunner(
    { store: store as unknown as Store, ingest: bus, ingestTopics: ['vigil.metrics'], anomalies, logger: silent },
    {
      core: { detector: 'vigil', threshold: 0.5, closeThreshold: 0.3, quietPoints: 3, maxSeries, maxGapMinutes: 60 },
      lagMs: 0,
      snapshotIntervalMs: 60_000,
      flushIntervalMs: 60_000,
      maxBufferedRows: 10_000,
    },
  );
  await runner.start();
  const send = (rows: GaugeRow[]) => bus.publish('vigil.metrics', [{ key: 'svc', id: String(Math.random()), value: { tables: {}, rows: { otel_metrics_gauge: rows } } }]);
  const drained = () => expect.poll(() => bus.depth().messages).toBe(0);
  /** As the engine does: let the detectors catch up with the bus, then close. */
  const close = async () => {
    await drained();
    await runner.close();
    await bus.close();
  };
  return { published, send, drained, close };
}

describe('DetectorRunner', () => {
  it('never holds back ingest: publishes resolve while detection is stuck on the store', async () => {
    const store = new FakeStore();
    store.hang = true;
    const { send } = await setup(store);
    await send([gauge(0), gauge(1)]);
    await send([gauge(2)]); // would hang if the bus waited for the detectors
  });

  it('keeps closed minutes while the store cannot restore their states, and scores them once it can', async () => {
    const store = new FakeStore();
    store.queryFailures = 1;
    const { send, close } = await setup(store);
    await send([gauge(0), gauge(1)]);
    await expect.poll(() => store.queryFailures).toBe(0);
    await send([gauge(2), gauge(3)]);
    await close();
    expect(store.rows('series_scores').map((r) => r.Time)).toEqual([0, 1, 2, 3].map((m) => `${(T0 + m * MIN) / 1000}.000`));
    expect(store.rows('detector_state').map((r) => r.SeriesKey)).toEqual(['metric:svc:m:value']);
  });

  it('writes and publishes an anomaly as it opens and closes', async () => {
    const store = new FakeStore();
    const { send, published, close } = await setup(store);
    let seed = 3;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    await send(Array.from({ length: 200 }, (_, m) => gauge(m, 10 + noise())));
    await send(Array.from({ length: 10 }, (_, i) => gauge(200 + i, 40 + noise())));
    await send(Array.from({ length: 10 }, (_, i) => gauge(210 + i, 10 + noise()))); // back to normal
    await close();
    const mine = published.filter((p) => p.anomaly.startMs === T0 + 200 * MIN);
    expect(mine.map((p) => p.type)).toEqual(['open', 'close']);
    const rows = store.rows('anomalies').filter((r) => r.AnomalyId === mine[0].anomaly.id);
    expect(rows.map((r) => r.Status)).toEqual(['closed']); // buffered: the open version was superseded before the write
  });

  it('resumes every series when one batch carries more series than memory holds (no relearning)', async () => {
    const store = new FakeStore();
    const { send, published, drained, close } = await setup(store, 2);
    let seed = 5;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    const names = ['a', 'b', 'c'];
    const rows = (from: number, to: number, shift: number) =>
      Array.from({ length: to - from }, (_, i) => names.map((n) => gauge(from + i, 10 + noise() + shift, n))).flat();
    await send(rows(0, 200, 0));
    await drained(); // two batches: the second restores what the first evicted
    await send(rows(200, 210, 30));
    await close();
    const opened = published.filter((p) => p.type === 'open' && p.anomaly.startMs === T0 + 200 * MIN);
    expect(opened.map((p) => p.anomaly.name).sort()).toEqual(names);
  });
});
