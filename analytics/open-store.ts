import { resolve } from 'node:path';
import { ChdbStore } from './chdb-store.js';
import { ClickHouseStore } from './clickhouse-store.js';
import type { Store } from './store.js';

export interface StoreConfig {
  kind: 'chdb' | 'clickhouse';
  dataDir: string;
  url: string;
  user: string;
  password: string;
  database: string;
  requestTimeoutMs: number;
}

/** Picks the Store adapter from configuration. */
export async function openStore(config: StoreConfig): Promise<Store> {
  if (config.kind === 'chdb') return new ChdbStore(resolve(config.dataDir));
  const options = {
    url: config.url,
    username: config.user,
    password: config.password,
    database: config.database,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  await ClickHouseStore.ensureDatabase(options);
  const store = new ClickHouseStore(options);
  await store.ping();
  return store;
}
