import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { VigilError } from '../errors.js';
import { capacityFor } from '../finops/capacity.js';
import type { CapacitySettings } from '../finops/settings.js';
import { parseTimeNs } from '../time-range.js';

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `48h`, `7d`, `2w` → ms. */
export function parseHorizonMs(raw: string, maxMs: number): number {
  const m = /^(\d+)([hdw])$/.exec(raw.trim());
  if (!m || Number(m[1]) === 0) throw new VigilError('API_BAD_REQUEST', `horizon: expected <n>h, <n>d or <n>w, got "${raw}"`);
  const ms = Number(m[1]) * UNIT_MS[m[2]];
  if (ms > maxMs) throw new VigilError('API_BAD_REQUEST', `horizon: at most ${maxMs / UNIT_MS.d} days`);
  return ms;
}

/** Capacity: forecasts of a service's resource and traffic metrics, with intervals and when each reaches its limit. */
export async function capacityRoutes(app: FastifyInstance, deps: { store: Store; settings: CapacitySettings }): Promise<void> {
  const { store, settings } = deps;

  app.get<{ Querystring: { service: string; metric?: string; horizon?: string; until?: string } }>('/api/v1/capacity', {
    schema: {
      querystring: {
        type: 'object',
        required: ['service'],
        properties: {
          service: { type: 'string', minLength: 1, maxLength: 256, description: 'Service whose gauge and sum metrics are forecast' },
          metric: { type: 'string', minLength: 1, maxLength: 512, description: 'Only this metric (and its <metric>.limit)' },
          horizon: { type: 'string', description: 'How far ahead: <n>h, <n>d or <n>w (default capacity.defaultHorizonHours, at most 90d)' },
          until: { type: 'string', description: 'End of the history the forecast starts from (event time; RFC 3339, epoch or now-<n><unit>). Default now.' },
        },
      },
    },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['capacity'],
        summary: 'Forecasts of a service\'s metrics with prediction intervals, and when each reaches its limit',
        description: 'Per metric: the history (capacity.stepMinutes steps over capacity.historyDays), the model picked by holdout sMAPE (holt-winters or seasonal-naive) and its season, the forecast with lower/upper bounds (capacity.intervalLevel), the limit (latest <metric>.limit, else capacity.limits) and the exhaustion time (point forecast) with its earliest and latest (interval bounds).',
        responses: { 200: '{ service, until, horizonHours, stepSeconds, metrics: [{ metric, history, forecast, limit, exhaustion, skipped? }] }', 400: 'Bad parameter' },
      },
    },
  }, async (request) => {
    const { service, metric } = request.query;
    const horizonMs = request.query.horizon ? parseHorizonMs(request.query.horizon, settings.maxHorizonMs) : settings.defaultHorizonMs;
    const untilMs = Number(parseTimeNs('until', request.query.until ?? 'now', Date.now()) / 1_000_000n);
    const metrics = await capacityFor(store, { service, metric, horizonMs, untilMs }, settings);
    return {
      service,
      until: iso(untilMs),
      horizonHours: horizonMs / UNIT_MS.h,
      stepSeconds: settings.stepMs / 1000,
      metrics: metrics.map((m) => ({
        metric: m.metric,
        history: m.history,
        forecast: m.forecast ?? null,
        limit: m.limit,
        exhaustion: m.exhaustion && { exceeded: m.exhaustion.exceeded, at: iso(m.exhaustion.atMs), earliest: iso(m.exhaustion.earliestMs), latest: iso(m.exhaustion.latestMs) },
        ...(m.skipped ? { skipped: m.skipped } : {}),
      })),
    };
  });

  app.get<{ Querystring: { since?: string; until?: string } }>('/api/v1/capacity/services', {
    schema: { querystring: { type: 'object', properties: { since: { type: 'string' }, until: { type: 'string' } } } },
    config: { role: 'viewer', openapi: { tags: ['capacity'], summary: 'Services with gauge or sum metrics in the range (default the last capacity.historyDays)', responses: { 200: '{ services: [...] }' } } },
  }, async (request) => {
    const now = Date.now();
    const untilMs = Number(parseTimeNs('until', request.query.until ?? 'now', now) / 1_000_000n);
    const sinceMs = request.query.since ? Number(parseTimeNs('since', request.query.since, now) / 1_000_000n) : untilMs - settings.historyMs;
    return { services: await queries.metricServices(store, { fromMs: sinceMs, untilMs }) };
  });
}
