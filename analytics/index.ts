export type { Store, QueryParams, QueryOptions, InsertOptions, Settings } from './store.js';
export { ChdbStore, type RawInsertFormat, type RawResult } from './chdb-store.js';
export { ClickHouseStore, type ClickHouseStoreOptions } from './clickhouse-store.js';
export { migrate, type MigrationResult } from './migrate.js';
export { MIGRATIONS, type Migration, type SchemaOptions } from './migrations/index.js';
export { openStore, serverCredentials, type StoreConfig } from './open-store.js';
export * as queries from './queries/index.js';
export { schemaStatements } from './schema-ddl.js';
export { SqlSandbox, sandboxError, SANDBOX_TABLES, SANDBOX_TABLE_FUNCTIONS, type SandboxLimits, type SandboxResult } from './sandbox/index.js';
