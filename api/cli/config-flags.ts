import { loadConfig } from '../config/load.js';
import type { ConfigKey, FlatConfig } from '../config/schema.js';
import type { FlagSpec, FlagValues } from './command.js';

/** Flags every command that opens the store accepts, mapped onto configuration keys. */
export const CONFIG_FLAGS: Record<string, FlagSpec & { key?: ConfigKey }> = {
  config: { type: 'string', value: 'FILE', description: 'YAML or JSON config file' },
  'data-dir': { type: 'string', value: 'DIR', description: 'chDB data directory', key: 'store.dataDir' },
  store: { type: 'string', value: 'chdb|clickhouse', description: 'Store kind', key: 'store.kind' },
  'clickhouse-url': { type: 'string', value: 'URL', description: 'ClickHouse server URL, http://user:password@host:8123 (with --store clickhouse or a scale-out role)', key: 'store.url' },
  'clickhouse-user': { type: 'string', value: 'USER', description: 'ClickHouse user', key: 'store.user' },
  'clickhouse-database': { type: 'string', value: 'DB', description: 'ClickHouse database', key: 'store.database' },
  'ttl-days': { type: 'number', value: 'N', description: 'Days to keep telemetry (0 = forever)', key: 'store.ttlDays' },
  'log-level': { type: 'string', value: 'LEVEL', description: 'trace|debug|info|warn|error|silent', key: 'log.level' },
};

export const SERVER_FLAGS: Record<string, FlagSpec & { key?: ConfigKey }> = {
  host: { type: 'string', value: 'HOST', description: 'Address to bind (anything but loopback requires API tokens)', key: 'server.host' },
  port: { type: 'number', value: 'PORT', description: 'HTTP port (0 = any free port)', key: 'server.port' },
  'clickhouse-port': { type: 'number', value: 'PORT', description: 'Port of the ClickHouse HTTP interface (default 8123; 0 = any free port)', key: 'clickhouse.port' },
  'auth-mode': { type: 'string', value: 'auto|required|off', description: 'API tokens: auto = required off loopback', key: 'auth.mode' },
  'insecure-no-auth': { type: 'boolean', description: 'Serve without tokens even on a public interface', key: 'auth.insecureNoAuth' },
};

/** Scale-out roles (vigil start --role …). */
export const ROLE_FLAGS: Record<string, FlagSpec & { key?: ConfigKey }> = {
  role: { type: 'string', value: 'all|gateway|writer|detector|api|store', description: 'What this process runs (default all: embedded, one process)', key: 'role' },
  'kafka-brokers': { type: 'string', value: 'HOST:PORT,…', description: 'Kafka bootstrap brokers (gateway, writer, detector, api)', key: 'kafka.brokers' },
  'internal-token': { type: 'string', value: 'TOKEN', description: 'Internal token: user vigil on the ClickHouse HTTP interface, admin on the API; prefer VIGIL_AUTH_INTERNAL_TOKEN', key: 'auth.internalToken' },
};

/** Loads configuration: defaults < --config file < VIGIL_* env < these flags. */
export function configFromFlags(flags: FlagValues, specs: Record<string, FlagSpec & { key?: ConfigKey }>, env = process.env): FlatConfig {
  const overrides: Partial<Record<ConfigKey, unknown>> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.key && flags[name] !== undefined) overrides[spec.key] = flags[name];
  }
  return loadConfig({ file: (flags.config as string | undefined) ?? env.VIGIL_CONFIG, env, overrides });
}
