import { MIGRATIONS_TABLE_DDL } from './migrate.js';
import { MIGRATIONS, type Migration, type SchemaOptions } from './migrations/index.js';

/**
 * The schema as DDL text, for operators who apply it themselves (`vigil schema print`).
 * Single node: the migrations as they run. Cluster (`ON CLUSTER name`): each MergeTree table
 * becomes a `Replicated*MergeTree` table `<name>_local` on every node plus a `Distributed`
 * table under the original name, so Vigil reads and writes the same names everywhere;
 * materialized views run on each node, from and to the local tables; plain views read the
 * Distributed tables.
 */
export function schemaStatements(options: SchemaOptions & { cluster?: string }, migrations: readonly Migration[] = MIGRATIONS): string[] {
  const single = [MIGRATIONS_TABLE_DDL, ...migrations.flatMap((m) => m.statements(options))];
  if (!options.cluster) return single;
  const cluster = quoteIdent(options.cluster);
  const tables = new Set<string>();
  for (const sql of single) {
    const m = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(sql);
    if (m) tables.add(m[1]);
  }
  return single.flatMap((sql) => toCluster(sql, cluster, tables));
}

/**
 * Sharding keys: spans of one trace on one shard, so the call-edge view can join them
 * locally; every version of an incident on one shard, so FINAL picks the latest.
 */
const SHARDING_KEYS: Record<string, string> = {
  otel_traces: 'cityHash64(TraceId)',
  otel_traces_span_index: 'cityHash64(TraceId)',
  service_call_edges: 'cityHash64(TraceId)',
  service_peer_calls: 'cityHash64(TraceId)',
  incidents: 'cityHash64(IncidentId)',
  incident_timeline: 'cityHash64(IncidentId)',
};

function toCluster(sql: string, cluster: string, tables: Set<string>): string[] {
  const table = /^CREATE TABLE IF NOT EXISTS (\w+)/.exec(sql);
  if (table) {
    const name = table[1];
    const local = `${name}_local`;
    const replicated = sql
      .replace(`CREATE TABLE IF NOT EXISTS ${name}`, `CREATE TABLE IF NOT EXISTS ${local} ON CLUSTER ${cluster}`)
      .replace(/ENGINE = (\w*)MergeTree(?:\(([^)]*)\))?/, (_m, kind: string, args?: string) => {
        const path = `'/clickhouse/tables/{shard}/{database}/${local}', '{replica}'`;
        return `ENGINE = Replicated${kind}MergeTree(${path}${args ? `, ${args}` : ''})`;
      });
    const distributed = `CREATE TABLE IF NOT EXISTS ${name} ON CLUSTER ${cluster} AS ${local}
ENGINE = Distributed(${cluster}, currentDatabase(), ${local}, ${SHARDING_KEYS[name] ?? 'rand()'})`;
    return [replicated, distributed];
  }
  const view = /^CREATE MATERIALIZED VIEW IF NOT EXISTS (\w+) TO (\w+) AS/.exec(sql);
  if (view) {
    const body = sql
      .replace(view[0], `CREATE MATERIALIZED VIEW IF NOT EXISTS ${view[1]} ON CLUSTER ${cluster} TO ${view[2]}_local AS`)
      .replace(/\b(FROM|JOIN)\s+(\w+)/g, (m, keyword: string, source: string) => (tables.has(source) ? `${keyword} ${source}_local` : m));
    return [body];
  }
  // Plain views read the Distributed tables, so each node's view sees the whole cluster.
  const plainView = /^CREATE VIEW IF NOT EXISTS (\w+) AS/.exec(sql);
  if (plainView) return [sql.replace(plainView[0], `CREATE VIEW IF NOT EXISTS ${plainView[1]} ON CLUSTER ${cluster} AS`)];
  const alter = /^ALTER TABLE (\w+) (ADD (COLUMN|INDEX)[\s\S]*)$/.exec(sql);
  if (alter) {
    const local = `ALTER TABLE ${alter[1]}_local ON CLUSTER ${cluster} ${alter[2]}`;
    // A Distributed table has columns but no indexes.
    return alter[3] === 'COLUMN' ? [local, `ALTER TABLE ${alter[1]} ON CLUSTER ${cluster} ${alter[2].replace(/ CODEC\((?:[^()]|\([^)]*\))*\)/, '')}`] : [local];
  }
  throw new Error(`schema print: no cluster form for statement: ${sql.slice(0, 80)}`);
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid cluster name "${name}"`);
  return name;
}
