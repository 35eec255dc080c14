import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbStore } from './chdb-store.js';
import { MIGRATIONS } from './migrations/index.js';
import { schemaStatements } from './schema-ddl.js';

describe('schema DDL (vigil schema print)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-schema-ddl-'));
  const store = new ChdbStore(dir);
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const parses = async (sql: string) => (await store.query<{ q: string }>('SELECT formatQuery({sql:String}) AS q', { sql }))[0].q;

  it('single node: every migration statement, in order, each parsed by the engine', async () => {
    const statements = schemaStatements({ ttlDays: 30 });
    expect(statements.length).toBe(1 + MIGRATIONS.reduce((n, m) => n + m.statements({ ttlDays: 30 }).length, 0));
    for (const sql of statements) await expect(parses(sql), sql.slice(0, 60)).resolves.toBeTruthy();
  });

  it('cluster: Replicated*MergeTree <table>_local, Distributed under the original name, views on the local tables — all parsed by the engine', async () => {
    const statements = schemaStatements({ ttlDays: 30, cluster: 'vigil_cluster' });
    for (const sql of statements) {
      expect(sql).toContain('ON CLUSTER vigil_cluster');
      await expect(parses(sql), sql.slice(0, 60)).resolves.toBeTruthy();
    }
    const text = statements.join('\n');
    expect(text).toMatch(/CREATE TABLE IF NOT EXISTS otel_logs_local ON CLUSTER vigil_cluster[\s\S]*ENGINE = ReplicatedMergeTree\('\/clickhouse\/tables\/\{shard\}\/\{database\}\/otel_logs_local', '\{replica\}'\)/);
    expect(text).toContain('ENGINE = ReplicatedReplacingMergeTree(\'/clickhouse/tables/{shard}/{database}/anomalies_local\', \'{replica}\', UpdatedAt)');
    expect(text).toContain('CREATE TABLE IF NOT EXISTS otel_traces ON CLUSTER vigil_cluster AS otel_traces_local\nENGINE = Distributed(vigil_cluster, currentDatabase(), otel_traces_local, cityHash64(TraceId))');
    expect(text).toMatch(/CREATE MATERIALIZED VIEW IF NOT EXISTS logs_per_minute_mv ON CLUSTER vigil_cluster TO logs_per_minute_local AS[\s\S]*FROM otel_logs_local/);
    expect(text).not.toMatch(/ENGINE = (Replacing|Summing|Aggregating)?MergeTree\b/);
    // Materialized views run per node on local tables; plain views read the Distributed tables.
    expect(text).toMatch(/CREATE VIEW IF NOT EXISTS xops_deployments ON CLUSTER vigil_cluster AS[\s\S]*FROM events FINAL/);
    const materialized = statements.filter((sql) => !sql.startsWith('CREATE VIEW')).join('\n');
    const sources = [...materialized.matchAll(/\b(?:FROM|JOIN) (\w+)/g)].map((m) => m[1]);
    expect(sources.filter((name) => /^(otel_|events|logs_|log_|span_|service_|metric_)/.test(name) && !name.endsWith('_local'))).toEqual([]);
  });
});
