import { resolve } from 'node:path';
import { ChdbStore, migrate } from '../../analytics/index.js';
import { startClickHouseHttpServer } from '../clickhouse-http/server.js';
import type { FlatConfig } from '../config/schema.js';
import { setupAccess } from '../auth/index.js';
import { VigilError } from '../errors.js';
import type { Logger } from '../logger.js';
import { patternRoutes } from '../routes/patterns.js';
import { telemetryRoutes } from '../routes/telemetry.js';
import { createServer } from '../server.js';
import { roleHealthRoute, type RoleHandle } from './role.js';

/** Insert batches arrive whole over the ClickHouse interface; a writer's batch stays far below this. */
const MAX_INSERT_BODY_BYTES = 512 * 1024 * 1024;

/**
 * Store: the embedded engine (chDB) of one node, migrated, served over the ClickHouse HTTP
 * interface on `clickhouse.port` with full access for user `vigil` + `auth.internalToken`, so
 * writers (and other roles) use it as their ClickHouse server; Vigil's read API on
 * `server.port`. For small deployments and tests; at scale, point roles at a ClickHouse cluster.
 */
export async function startStoreRole(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  const token = config['auth.internalToken'];
  if (!token) throw new VigilError('CONFIG_INVALID', 'invalid configuration: auth.internalToken: the store role needs an internal token (--internal-token or VIGIL_AUTH_INTERNAL_TOKEN)');
  const store = new ChdbStore(resolve(config['store.dataDir']));
  try {
    const migrated = await migrate(store, { ttlDays: config['store.ttlDays'] });
    if (migrated.applied.length > 0) logger.info({ applied: migrated.applied }, 'schema migrated');
    const clickhouse = await startClickHouseHttpServer({
      engine: store,
      internalToken: token,
      database: config['store.database'],
      host: config['server.host'],
      port: config['clickhouse.port'],
      logger,
      maxBodyBytes: MAX_INSERT_BODY_BYTES,
    });
    const { app } = createServer({ logger, maxBodyBytes: 1 << 20 });
    const access = await setupAccess(app, config, store, logger);
    await app.register(async (scope) => telemetryRoutes(scope, { store }));
    await app.register(async (scope) => patternRoutes(scope, { store }));
    await access.registerRoutes();
    roleHealthRoute(app, async () => {
      try {
        await store.ping();
        return { status: 'ok', role: 'store', store: { kind: store.kind, reachable: true }, clickhouseUrl: clickhouse.url };
      } catch (err) {
        return { status: 'degraded', role: 'store', store: { kind: store.kind, reachable: false, error: (err as Error).message }, clickhouseUrl: clickhouse.url };
      }
    });
    const url = await app.listen({ host: config['server.host'], port: config['server.port'] });
    return {
      url,
      banner: [`Role: store, chDB data in ${resolve(config['store.dataDir'])}`, `ClickHouse HTTP interface on ${clickhouse.url} (user vigil, the internal token)`],
      close: async () => {
        await app.close();
        await access.close();
        await clickhouse.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
