import { migrate, openStore, type Store } from '../../analytics/index.js';
import type { FlatConfig } from '../config/schema.js';
import { storeConfig } from '../engine.js';
import type { Logger } from '../logger.js';
import { retryUntil } from './role.js';

/**
 * The ClickHouse server store of a scale-out role, waited for (roles start in any order) and
 * migrated (migrations are idempotent, so every role may run them).
 */
export async function openServerStore(config: FlatConfig, logger: Logger): Promise<Store> {
  const store: Store = await retryUntil('ClickHouse not reachable', () => openStore({ ...storeConfig(config), kind: 'clickhouse' }), 60_000, (err) =>
    logger.warn({ err: (err as Error).message }, 'waiting for ClickHouse'),
  );
  try {
    const migrated = await migrate(store, { ttlDays: config['store.ttlDays'] });
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'schema migrated');
    return store;
  } catch (err) {
    await store.close();
    throw err;
  }
}
