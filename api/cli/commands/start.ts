import { resolve } from 'node:path';
import { redactedConfig, redactUrlPassword } from '../../config/load.js';
import type { FlatConfig } from '../../config/schema.js';
import type { Logger } from '../../logger.js';
import type { Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags, ROLE_FLAGS, SERVER_FLAGS } from '../config-flags.js';

const flags = { ...CONFIG_FLAGS, ...SERVER_FLAGS, ...ROLE_FLAGS };

const start: Command = {
  path: ['start'],
  summary: 'Start Vigil (embedded store by default): receivers, API and UI on one port',
  details: `Applies schema migrations, then serves OTLP/HTTP (/v1/logs, /v1/traces, /v1/metrics),
Prometheus remote write (/api/v1/write), CloudEvents (/v1/events) and the API (/api/v1/...).
--role picks a scale-out role instead: gateway (receivers → Kafka), writer (Kafka → ClickHouse
at --clickhouse-url http://user:password@host:8123), detector (Kafka → online detection and
incidents → ClickHouse, anomalies on vigil.anomalies; groups kafka.detectorGroupId), api (REST
API, UI and the live stream from vigil.anomalies over ClickHouse, no ingest), store (embedded
engine served over the ClickHouse HTTP interface on --clickhouse-port for user vigil with
--internal-token). See README "Scaling out".
Embedded, the ClickHouse HTTP interface also serves the SQL sandbox on --clickhouse-port
(default 8123). On any address but loopback every request needs an API token (vigil token
create); --insecure-no-auth serves without them.
Configuration: defaults < --config file < VIGIL_* environment < flags. SIGINT/SIGTERM stop it
gracefully (in-flight requests are answered first).`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const { startVigil } = await import('../../engine.js');
    const { createLogger } = await import('../../logger.js');
    const logger = createLogger(config['log.level']);
    logger.info({ config: redactedConfig(config) }, 'starting vigil');
    if (config.role !== 'all') return runRole(config, logger, ctx.stdout);
    const vigil = await startVigil(config, logger);
    const where = config['store.kind'] === 'chdb' ? `chDB data in ${resolve(config['store.dataDir'])}` : `ClickHouse at ${redactUrlPassword(config['store.url'])} (database ${config['store.database']})`;
    ctx.stdout.write(
      [
        `Vigil listening on ${vigil.url}`,
        `Web UI: ${vigil.url}/`,
        `Store: ${where}`,
        vigil.access.access.required ? 'Auth: API tokens required (vigil token create --help)' : 'Auth: off (loopback); any address but loopback requires API tokens',
        ...(vigil.clickhouseUrl ? [`ClickHouse HTTP interface (SQL sandbox): ${vigil.clickhouseUrl}`] : []),
        `Send a log:  curl -s ${vigil.url}/v1/logs -H 'Content-Type: application/json' -d '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"demo"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"${Date.now()}000000","severityText":"INFO","body":{"stringValue":"hello vigil"}}]}]}]}'`,
        `Then:        curl -s ${vigil.url}/api/v1/stats`,
        '',
      ].join('\n'),
    );
    await untilSignal(logger, () => vigil.close());
    return 0;
  },
};

async function runRole(config: FlatConfig, logger: Logger, stdout: NodeJS.WritableStream): Promise<number> {
  const { startRole } = await import('../../roles/index.js');
  const role = await startRole(config, logger);
  stdout.write([`Vigil listening on ${role.url}`, ...role.banner, ''].join('\n'));
  await untilSignal(logger, () => role.close());
  exitIfStillBusy(logger);
  return 0;
}

/** How long a stopped role may take to let the process end by itself. */
const EXIT_GRACE_MS = 5_000;

/**
 * A role has drained and committed everything once `close` resolved; a client library that
 * still holds a connection or timer then (kafkajs reconnecting a member it was told to stop)
 * must not keep the process alive, so it is ended, with a warning saying what was left.
 */
function exitIfStillBusy(logger: Logger): void {
  setTimeout(() => {
    logger.warn({ activeResources: process.getActiveResourcesInfo() }, 'stopped, but connections or timers were still open: exiting');
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}

/** Waits for SIGINT/SIGTERM, then closes gracefully (in-flight work finishes first). */
function untilSignal(logger: Logger, close: () => Promise<void>): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping vigil');
      close().then(resolveStop, (err) => {
        logger.error({ err }, 'error while stopping');
        resolveStop();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

export default start;
