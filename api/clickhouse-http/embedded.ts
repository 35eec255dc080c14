import type { ChdbStore, SqlSandbox } from '../../analytics/index.js';
import { grants, type AccessControl } from '../auth/index.js';
import type { FlatConfig } from '../config/schema.js';
import { VigilError } from '../errors.js';
import type { Logger } from '../logger.js';
import { startClickHouseHttpServer } from './server.js';

/** Analysts send SQL in bodies; a statement is far below this. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The ClickHouse HTTP interface of an embedded Vigil, on `clickhouse.port` beside the API:
 * the SQL sandbox for tokens with the analyst role (the token is the password, any user name;
 * anyone when auth is off), full access for user `vigil` with the internal token.
 */
export async function startEmbeddedClickHouse(config: FlatConfig, deps: { store: ChdbStore; sandbox: SqlSandbox; access: AccessControl; logger: Logger }) {
  const { access, sandbox } = deps;
  try {
    return await startClickHouseHttpServer({
      engine: deps.store,
      internalToken: config['auth.internalToken'],
      database: 'default',
      host: config['server.host'],
      port: config['clickhouse.port'],
      logger: deps.logger,
      maxBodyBytes: MAX_BODY_BYTES,
      sandbox: {
        admits: (_user, password) => {
          if (!access.required) return true;
          const principal = access.authenticate(password);
          return principal !== undefined && grants(principal.roles, 'analyst');
        },
        run: (sql, format, params, settings) => sandbox.run(sql, format, params, settings),
      },
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      throw new VigilError('CONFIG_INVALID', `invalid configuration: clickhouse.port: port ${config['clickhouse.port']} is in use (a ClickHouse server?); pick another with --clickhouse-port or turn the endpoint off with VIGIL_CLICKHOUSE_ENABLED=false`);
    }
    throw err;
  }
}
