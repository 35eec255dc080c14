import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbStore } from './chdb-store.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

describe('migrate on chDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
  const store = new ChdbStore(dir);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates every table once and is a no-op the second time', async () => {
    const first = await migrate(store, { ttlDays: 30 });
    expect(first.applied.map((a) => a.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const second = await migrate(store, { ttlDays: 30 });
    expect(second.applied).toEqual([]);
    expect(second.current).toBe(MIGRATIONS.at(-1)!.version);
    const tables = await store.query<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase()");
    const names = tables.map((t) => t.name);
    for (const t of [
      'otel_logs', 'otel_traces', 'otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_histogram',
      'otel_metrics_exponential_histogram', 'otel_metrics_summary', 'events', 'logs_per_minute',
      'span_red_per_minute', 'service_call_edges', 'metric_points_per_minute', 'notifications',
    ]) expect(names).toContain(t);
  });
});
