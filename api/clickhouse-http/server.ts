import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';
import { clickhouseHttp, type ClickHouseHttpOptions } from './index.js';

export interface ClickHouseHttpServerOptions extends ClickHouseHttpOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Largest request body (insert batches arrive whole). */
  maxBodyBytes: number;
}

/** The ClickHouse HTTP interface on its own port (8123 by default, like a ClickHouse server). */
export async function startClickHouseHttpServer(options: ClickHouseHttpServerOptions): Promise<{ app: FastifyInstance; url: string; close(): Promise<void> }> {
  const app = Fastify({
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(async (scope) => clickhouseHttp(scope, options));
  const url = await app.listen({ host: options.host, port: options.port });
  return { app, url, close: () => app.close() };
}
