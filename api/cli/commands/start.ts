import { resolve } from 'node:path';
import { redactedConfig } from '../../config/load.js';
import type { Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags, SERVER_FLAGS } from '../config-flags.js';

const flags = { ...CONFIG_FLAGS, ...SERVER_FLAGS };

const start: Command = {
  path: ['start'],
  summary: 'Start Vigil (embedded store by default): receivers, API and UI on one port',
  details: `Applies schema migrations, then serves OTLP/HTTP (/v1/logs, /v1/traces, /v1/metrics),
Prometheus remote write (/api/v1/write), CloudEvents (/v1/events) and the API (/api/v1/...).
Configuration: defaults < --config file < VIGIL_* environment < flags. SIGINT/SIGTERM stop it
gracefully (in-flight requests are answered first).`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const { startVigil } = await import('../../engine.js');
    const { createLogger } = await import('../../logger.js');
    const logger = createLogger(config['log.level']);
    logger.info({ config: redactedConfig(config) }, 'starting vigil');
    const vigil = await startVigil(config, logger);
    const where = config['store.kind'] === 'chdb' ? `chDB data in ${resolve(config['store.dataDir'])}` : `ClickHouse at ${config['store.url']} (database ${config['store.database']})`;
    ctx.stdout.write(
      [
        `Vigil listening on ${vigil.url}`,
        `Store: ${where}`,
        `Send a log:  curl -s ${vigil.url}/v1/logs -H 'Content-Type: application/json' -d '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"demo"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"${Date.now()}000000","severityText":"INFO","body":{"stringValue":"hello vigil"}}]}]}]}'`,
        `Then:        curl -s ${vigil.url}/api/v1/stats`,
        '',
      ].join('\n'),
    );
    await new Promise<void>((resolveStop) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'stopping vigil');
        vigil.close().then(resolveStop, (err) => {
          logger.error({ err }, 'error while stopping');
          resolveStop();
        });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};

export default start;
