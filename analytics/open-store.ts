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
  const options = { ...serverCredentials(config), database: config.database, requestTimeoutMs: config.requestTimeoutMs };
  await ClickHouseStore.ensureDatabase(options);
  const store = new ClickHouseStore(options);
  await store.ping();
  return store;
}

/**
 * The server URL without credentials, and the user and password: from the URL when it carries
 * them (`http://user:password@host:8123`), else from `store.user` / `store.password`.
 */
export function serverCredentials(config: Pick<StoreConfig, 'url' | 'user' | 'password'>): { url: string; username: string; password: string } {
  const url = new URL(config.url);
  const username = url.username ? decodeURIComponent(url.username) : config.user;
  const password = url.username || url.password ? decodeURIComponent(url.password) : config.password;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), username, password };
}
