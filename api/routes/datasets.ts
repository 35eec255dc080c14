import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { queries } from '../../analytics/index.js';
import { DatasetExporter, EXPORT_FORMATS, findDatasetOrThrow, type ExportFormat } from '../datasets.js';
import { parseRange } from '../time-range.js';

const tags = ['datasets'];

/** The curated datasets: the documented list, and exports streamed as CSV, Arrow or Parquet (analyst). */
export async function datasetRoutes(app: FastifyInstance, deps: { exporter: DatasetExporter }): Promise<void> {
  app.get('/api/v1/datasets', {
    config: {
      role: 'analyst',
      openapi: { tags, summary: 'The curated datasets: name, description, time column and documented columns', responses: { 200: '{ datasets: [{ name, description, timeColumn, columns: [{ name, type, description }] }] }' } },
    },
  }, async () => ({ datasets: queries.DATASETS }));

  app.get<{ Params: { name: string }; Querystring: { format: ExportFormat; since?: string; until?: string } }>('/api/v1/datasets/:name', {
    schema: {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'Dataset name (GET /api/v1/datasets)' } } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          format: { type: 'string', enum: Object.keys(EXPORT_FORMATS), default: 'csv', description: 'csv (with a header), arrow (Arrow IPC stream) or parquet' },
          since: { type: 'string', description: 'Start (event time of the dataset\'s time column): RFC 3339, Unix epoch (s, ms or ns) or now-<n><s|m|h|d|w>. Default now-24h.' },
          until: { type: 'string', description: 'End (exclusive), same forms. Default now.' },
        },
      },
    },
    config: {
      role: 'analyst',
      openapi: {
        tags,
        summary: 'Export a dataset over a time range, streamed (CSV and Arrow chunk by chunk of datasets.exportChunkMinutes; Parquet as one file)',
        description: 'Read-only, with sql.maxExecutionSeconds and sql.maxMemoryBytes per query, datasets.maxExportRows per query and datasets.maxExportBytes for the whole export. Rows are ordered by the time column.',
        responses: { 200: 'The dataset in the requested format', 400: 'API_BAD_REQUEST: bad format or range', 404: 'API_NOT_FOUND: no such dataset', 422: 'SQL_TIMEOUT, SQL_RESULT_TOO_LARGE, SQL_MEMORY_LIMIT' },
      },
    },
  }, async (request, reply) => {
    const dataset = findDatasetOrThrow(request.params.name);
    const { sinceNs, untilNs } = parseRange(request.query, 'now-24h');
    const range = { sinceMs: Number(sinceNs / 1_000_000n), untilMs: Number(untilNs / 1_000_000n) };
    const format = EXPORT_FORMATS[request.query.format];
    const chunks = deps.exporter.export(dataset.name, request.query.format, range);
    // The first chunk is read before answering, so a failing query is a { code, message } error, not a cut stream.
    const first = await chunks.next();
    reply.type(format.contentType).header('content-disposition', `attachment; filename="${dataset.name}.${format.extension}"`);
    if (first.done) return reply.send(Buffer.alloc(0));
    const second = await chunks.next();
    if (second.done) return reply.send(first.value);
    return reply.send(Readable.from((async function* () {
      yield first.value;
      yield second.value;
      yield* chunks;
    })()));
  });
}
