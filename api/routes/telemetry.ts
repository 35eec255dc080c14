import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { VigilError } from '../errors.js';
import { parseRange } from '../time-range.js';

const range = {
  since: { type: 'string', description: 'Start: RFC 3339, Unix epoch (s, ms or ns) or now-<n><s|m|h|d|w>. Default now-1h.' },
  until: { type: 'string', description: 'End (exclusive), same forms. Default now.' },
} as const;

/** Read-only routes over stored telemetry. */
export async function telemetryRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  const { store } = deps;

  app.get('/api/v1/stats', {
    config: { role: 'viewer', openapi: { tags: ['query'], summary: 'Exact committed row counts', responses: { 200: '{ logs, spans, metricPoints, events }' } } },
  }, async () => queries.stats(store));

  app.get<{ Querystring: { since?: string; until?: string } }>('/api/v1/services', {
    schema: { querystring: { type: 'object', properties: { ...range } } },
    config: { role: 'viewer', openapi: { tags: ['query'], summary: 'Services seen, with last-seen time and counts per signal', responses: { 200: '{ services: [...] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-24h');
    const services = await queries.services(store, { sinceSec: Number(sinceNs / 1_000_000_000n), untilSec: Number(untilNs / 1_000_000_000n) });
    return { services };
  });

  app.get<{ Querystring: { service?: string; since?: string; until?: string; q?: string; severity?: string; template?: string; limit: number } }>('/api/v1/logs', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          service: { type: 'string', description: 'Service name (exact)' },
          ...range,
          q: { type: 'string', maxLength: 1024, description: 'Case-insensitive text the body contains' },
          severity: { type: 'string', description: 'Severity text (e.g. ERROR)' },
          template: { type: 'string', pattern: '^[0-9a-fA-F]{16}$', description: 'Pattern (template) id: rows of that pattern' },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100, description: 'Most rows (newest first)' },
        },
      },
    },
    config: { role: 'viewer', openapi: { tags: ['query'], summary: 'Search logs, newest first', responses: { 200: '{ logs: [...] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query);
    const { service, q, severity, limit } = request.query;
    const template = request.query.template?.toLowerCase();
    return { logs: await queries.searchLogs(store, { service, q, severity, template, limit, sinceNs, untilNs }) };
  });

  app.get<{ Params: { traceId: string } }>('/api/v1/traces/:traceId', {
    schema: { params: { type: 'object', properties: { traceId: { type: 'string', description: '32 hex characters' } } } },
    config: { role: 'viewer', openapi: { tags: ['query'], summary: 'All spans of one trace, in start order', responses: { 200: '{ traceId, spans: [...] }', 400: 'Bad trace id', 404: 'No such trace' } } },
  }, async (request) => {
    const traceId = request.params.traceId.toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(traceId)) throw new VigilError('API_BAD_REQUEST', 'traceId: expected 32 hex characters');
    const spans = await queries.traceById(store, traceId);
    if (spans.length === 0) throw new VigilError('API_NOT_FOUND', `no spans for trace ${traceId}`);
    return { traceId, spans };
  });

  app.get<{ Querystring: { name: string; service?: string; since?: string; until?: string; step?: number } }>('/api/v1/metrics/series', {
    schema: {
      querystring: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1, description: 'Metric name' },
          service: { type: 'string', description: 'Service name (exact)' },
          ...range,
          step: { type: 'integer', minimum: 1, maximum: 86400, description: 'Seconds per point; default fits about 300 points in the range' },
        },
      },
    },
    config: { role: 'viewer', openapi: { tags: ['query'], summary: 'A metric as time series, one per attribute set', responses: { 200: '{ series: [{ service, type, attributes, points: [[unixSec, value], ...] }] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query);
    const spanSec = Number((untilNs - sinceNs) / 1_000_000_000n);
    const stepSec = request.query.step ?? Math.max(1, Math.ceil(spanSec / 300));
    if (spanSec / stepSec > 11_000) throw new VigilError('API_BAD_REQUEST', 'step: too many points for the range (at most 11,000)');
    const { name, service } = request.query;
    return { series: await queries.metricSeries(store, { name, service, sinceNs, untilNs, stepSec }) };
  });
}
