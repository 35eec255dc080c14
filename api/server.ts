import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { ERROR_CATALOG, VigilError } from './errors.js';
import type { Logger } from './logger.js';
import { collectOpenApi, type OpenApiRegistry } from './openapi.js';

export interface ServerOptions {
  logger: Logger;
  /** Upper bound of any request body at the HTTP layer (receivers set their own). */
  maxBodyBytes: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Status for INGEST_QUEUE_FULL on this route: OTLP wants 429, other receivers 503. */
    queueFullStatus?: 429 | 503;
    /** OpenAPI description of the route (see api/openapi.ts). */
    openapi?: import('./openapi.js').RouteDoc;
  }
}

/**
 * The HTTP server shell: JSON errors `{ code, message }` for everything that goes
 * wrong (never a stack), request logging without secrets, and the OpenAPI registry.
 */
export function createServer(options: ServerOptions): { app: FastifyInstance; openapi: OpenApiRegistry } {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the default instance type.
    loggerInstance: options.logger as unknown as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    // Per-request info lines would drown the log at ingest rates; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, allErrors: false } },
    // Series keys travel as a path parameter (/api/v1/series/:key/scores) and carry attributes.
    routerOptions: { maxParamLength: 4096 },
  });
  const openapi = collectOpenApi(app);

  app.setErrorHandler((error: FastifyError | VigilError, request, reply) => {
    const vigil = toVigilError(error);
    if (vigil.code === 'INGEST_QUEUE_FULL') {
      const retryAfter = (error as { retryAfterSeconds?: number }).retryAfterSeconds ?? 1;
      reply.header('retry-after', String(retryAfter));
      return reply.code(request.routeOptions.config?.queueFullStatus ?? 429).send(vigil.toJSON());
    }
    if (vigil.status >= 500) {
      request.log.error({ err: error, route: request.routeOptions.url, code: vigil.code }, 'request failed');
      if (vigil.retryable) reply.header('retry-after', '1');
    } else {
      request.log.debug({ route: request.routeOptions.url, code: vigil.code, message: vigil.message }, 'request rejected');
    }
    return reply.code(vigil.status).send(vigil.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(new VigilError('API_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`).toJSON());
  });

  return { app, openapi };
}

function toVigilError(error: FastifyError | VigilError): VigilError {
  if (error instanceof VigilError) return error;
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new VigilError('INGEST_BODY_TOO_LARGE', 'request body is larger than the configured limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new VigilError('INGEST_BAD_CONTENT_TYPE', fe.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new VigilError('API_BAD_REQUEST', `body is not valid JSON: ${fe.message}`);
  }
  if (fe.validation) return new VigilError('API_BAD_REQUEST', `${fe.validationContext ?? 'request'}${fe.message.replace(/^(querystring|params|body)/, '')}`);
  if (fe.statusCode === 405) return new VigilError('API_METHOD_NOT_ALLOWED', fe.message);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new VigilError('API_BAD_REQUEST', fe.message);
  }
  return new VigilError('INTERNAL', 'internal error');
}

export { ERROR_CATALOG };
