import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { VigilError } from '../errors.js';
import { parseRange } from '../time-range.js';

const range = {
  since: { type: 'string', description: 'Start: RFC 3339, Unix epoch (s, ms or ns) or now-<n><s|m|h|d|w>. Default now-1h.' },
  until: { type: 'string', description: 'End (exclusive), same forms. Default now.' },
} as const;

/** Log patterns: the templates the miner learned, with counts and rates. */
export async function patternRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  app.get<{ Querystring: { service?: string; severity?: string; since?: string; until?: string; limit: number } }>('/api/v1/patterns', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          service: { type: 'string', description: 'Service name (exact)' },
          severity: { type: 'string', description: 'Severity text (e.g. ERROR)' },
          ...range,
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Most patterns (busiest first)' },
        },
      },
    },
    config: { role: 'viewer', openapi: { tags: ['logs'], summary: 'Log patterns in a range: template, count, sparkline, first seen, new or not', responses: { 200: '{ patterns: [...] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query);
    const sinceSec = Number(sinceNs / 1_000_000_000n);
    const untilSec = Math.max(sinceSec + 1, Number((untilNs + 999_999_999n) / 1_000_000_000n));
    const stepSec = sparklineStep(untilSec - sinceSec);
    const { service, severity, limit } = request.query;
    return { stepSeconds: stepSec, patterns: await queries.listPatterns(deps.store, { service, severity, sinceSec, untilSec, stepSec, limit }) };
  });

  app.get<{ Params: { id: string }; Querystring: { since?: string; until?: string } }>('/api/v1/patterns/:id', {
    schema: {
      params: { type: 'object', properties: { id: { type: 'string', description: 'Template id (16 hex characters)' } } },
      querystring: { type: 'object', properties: { ...range } },
    },
    config: { role: 'viewer', openapi: { tags: ['logs'], summary: 'One pattern: template, samples, former ids and its rate over a range', responses: { 200: 'Pattern', 400: 'Bad id', 404: 'Unknown pattern' } } },
  }, async (request) => {
    const id = request.params.id.toLowerCase();
    if (!/^[0-9a-f]{16}$/.test(id)) throw new VigilError('API_BAD_REQUEST', 'id: expected 16 hex characters');
    const { sinceNs, untilNs } = parseRange(request.query, 'now-24h');
    const sinceSec = Number(sinceNs / 1_000_000_000n);
    const untilSec = Math.max(sinceSec + 1, Number((untilNs + 999_999_999n) / 1_000_000_000n));
    const detail = await queries.patternDetail(deps.store, id, { sinceSec, untilSec, stepSec: sparklineStep(untilSec - sinceSec) });
    if (!detail) throw new VigilError('API_NOT_FOUND', `no pattern ${id}`);
    return detail;
  });
}

/** About 60 buckets per range, in whole minutes (the rollup's resolution). */
function sparklineStep(spanSec: number): number {
  return Math.max(60, Math.ceil(spanSec / 60 / 60) * 60);
}
