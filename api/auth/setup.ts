import type { FastifyInstance } from 'fastify';
import type { Store } from '../../analytics/index.js';
import type { FlatConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { AuditLog } from './audit.js';
import { AccessControl, installAccessControl, type DeclaredRoute } from './gate.js';
import { authRequired } from './mode.js';
import { accessRoutes } from './routes.js';
import { TokenRegistry } from './tokens.js';

export interface AccessSetup {
  access: AccessControl;
  tokens: TokenRegistry;
  audit: AuditLog;
  /** Every route with the role it declared (for the role-matrix test). */
  routes(): DeclaredRoute[];
  /** Registers the token, audit and whoami routes. */
  registerRoutes(): Promise<void>;
  close(): Promise<void>;
}

/** How often token last-use times reach the store. */
const USAGE_FLUSH_MS = 60_000;
/** On a ClickHouse server other nodes change tokens too: how soon their changes apply here. */
const SHARED_STORE_RELOAD_MS = 10_000;

/**
 * Access control for a server with a store: tokens loaded, the role check installed on `app`
 * (call before registering any route). Throws CONFIG_INVALID when auth.mode is off on a
 * public interface without auth.insecureNoAuth.
 */
export async function setupAccess(app: FastifyInstance, config: FlatConfig, store: Store, logger: Logger): Promise<AccessSetup> {
  const required = authRequired(config);
  const tokens = await TokenRegistry.open(store, { logger, usageFlushMs: USAGE_FLUSH_MS, reloadMs: store.kind === 'clickhouse' ? SHARED_STORE_RELOAD_MS : undefined });
  const access = new AccessControl(required, tokens, config['auth.internalToken']);
  const audit = new AuditLog(store, logger);
  const declared = installAccessControl(app, access, audit);
  if (required && tokens.list().every((t) => t.revoked) && !config['auth.internalToken']) {
    logger.warn('authentication is required and no token exists: stop Vigil and run `vigil token create --role admin --name admin`, or start it with VIGIL_AUTH_INTERNAL_TOKEN set');
  }
  return {
    access,
    tokens,
    audit,
    routes: declared.routes,
    registerRoutes: async () => {
      await app.register(async (scope) => accessRoutes(scope, { access, tokens, audit }));
    },
    close: () => tokens.close(),
  };
}
