import { MIGRATIONS, type Migration, type SchemaOptions } from './migrations/index.js';
import type { Store } from './store.js';

export interface MigrationResult {
  applied: Array<{ version: number; name: string }>;
  current: number;
}

/** Where applied migrations are recorded. */
export const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS vigil_migrations (
    Version UInt32,
    Name String,
    AppliedAt DateTime64(3) DEFAULT now64(3)
) ENGINE = MergeTree ORDER BY Version`;

/**
 * Applies the migrations newer than the store's recorded version, in order. Each
 * statement is idempotent, so a run interrupted half-way is completed by the next.
 */
export async function migrate(store: Store, options: SchemaOptions, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  await store.exec(MIGRATIONS_TABLE_DDL);
  const done = await appliedVersions(store);
  const applied: MigrationResult['applied'] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements(options)) await store.exec(statement);
    await store.exec('INSERT INTO vigil_migrations (Version, Name) VALUES ({version:UInt32}, {name:String})', {
      version: m.version,
      name: m.name,
    });
    applied.push({ version: m.version, name: m.name });
  }
  return { applied, current: Math.max(0, ...done, ...applied.map((a) => a.version)) };
}

export async function appliedVersions(store: Store): Promise<Set<number>> {
  const rows = await store.query<{ Version: number }>('SELECT DISTINCT Version FROM vigil_migrations');
  return new Set(rows.map((r) => Number(r.Version)));
}
