import type { FastifyInstance } from 'fastify';
import type { SqlSandbox } from '../../analytics/index.js';

/** The formats the REST sandbox offers, as ClickHouse formats and content types. */
export const SQL_FORMATS = {
  json: { clickhouse: 'JSON', contentType: 'application/json; charset=utf-8' },
  csv: { clickhouse: 'CSVWithNames', contentType: 'text/csv; charset=utf-8; header=present' },
  parquet: { clickhouse: 'Parquet', contentType: 'application/vnd.apache.parquet' },
  arrow: { clickhouse: 'ArrowStream', contentType: 'application/vnd.apache.arrow.stream' },
} as const;

type SqlFormat = keyof typeof SQL_FORMATS;

/** `POST /api/v1/sql`: the read-only SQL sandbox (analyst). */
export async function sqlRoutes(app: FastifyInstance, deps: { sandbox: SqlSandbox }): Promise<void> {
  app.post<{ Body: { query: string; params?: Record<string, unknown>; format?: SqlFormat } }>('/api/v1/sql', {
    schema: {
      body: {
        type: 'object',
        required: ['query'],
        additionalProperties: false,
        properties: {
          query: { type: 'string', minLength: 1, maxLength: 262144, description: 'One read statement: SELECT, WITH, SHOW, DESCRIBE or EXPLAIN; {name:Type} placeholders for params' },
          params: { type: 'object', description: 'Values of the {name:Type} placeholders, bound by the engine (never spliced into the SQL)' },
          format: { type: 'string', enum: Object.keys(SQL_FORMATS), default: 'json', description: 'json (ClickHouse JSON: meta, data, rows, statistics), csv (with a header), parquet or arrow (Arrow IPC stream)' },
        },
      },
    },
    config: {
      role: 'analyst',
      openapi: {
        tags: ['sql'],
        summary: 'Run a read-only SQL query over Vigil\'s tables (the SQL sandbox)',
        description: 'Only reads, only allowlisted tables, no table functions that reach outside, no SETTINGS; limits sql.maxExecutionSeconds, sql.maxResultRows, sql.maxResultBytes and sql.maxMemoryBytes apply and cannot be raised by the query.',
        requestContentTypes: ['application/json'],
        responses: { 200: 'The result in the requested format', 400: 'SQL_INVALID: bad SQL or params', 403: 'SQL_FORBIDDEN: refused by the sandbox', 422: 'SQL_TIMEOUT, SQL_RESULT_TOO_LARGE, SQL_MEMORY_LIMIT' },
      },
    },
  }, async (request, reply) => {
    const format = SQL_FORMATS[request.body.format ?? 'json'];
    const result = await deps.sandbox.run(request.body.query, format.clickhouse, request.body.params ?? {});
    return reply.type(format.contentType).send(result.bytes);
  });
}
