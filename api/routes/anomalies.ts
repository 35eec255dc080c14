import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import type { AnomalyRecord } from '../../analytics/queries/anomalies.js';
import { parseSeriesKey, SIGNALS } from '../../detectors/runner/index.js';
import { VigilError } from '../errors.js';
import type { SseHub } from '../sse.js';
import { parseRange } from '../time-range.js';

const range = {
  since: { type: 'string', description: 'Start (event time): RFC 3339, Unix epoch (s, ms or ns) or now-<n><s|m|h|d|w>. Default now-24h.' },
  until: { type: 'string', description: 'End (exclusive), same forms. Default now.' },
} as const;

const filters = {
  service: { type: 'string', description: 'Service name (exact)' },
  signal: { type: 'string', enum: [...SIGNALS, 'log_pattern_new', 'log_pattern_correlated', 'service_features'], description: 'Kind of series' },
  minScore: { type: 'number', minimum: 0, maximum: 1, description: 'Lowest peak score' },
} as const;

/** An anomaly as the API and the SSE stream show it (times RFC 3339, event time). */
export function anomalyView(a: AnomalyRecord) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: a.id,
    seriesKey: a.seriesKey,
    signal: a.signal,
    service: a.service,
    name: a.name,
    stat: a.stat,
    attributes: a.attributes,
    status: a.status,
    start: iso(a.startMs),
    end: iso(a.endMs),
    peakTime: iso(a.peakMs),
    peakScore: a.peakScore,
    expected: a.expected,
    actual: a.actual,
    lower: a.lower,
    upper: a.upper,
    detector: a.detector,
    updatedAt: iso(a.updatedAtMs),
  };
}

type Filters = { service?: string; signal?: string; minScore?: number };

/** Anomalies found by the detectors: search, a live stream, and the scored series behind them. */
export async function anomalyRoutes(app: FastifyInstance, deps: { store: Store; hub: SseHub }): Promise<void> {
  const { store, hub } = deps;
  // An open stream would hold the server's close forever.
  app.addHook('preClose', async () => hub.close());

  app.get<{ Querystring: Filters & { since?: string; until?: string; status?: 'open' | 'closed'; limit: number } }>('/api/v1/anomalies', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          ...range,
          ...filters,
          status: { type: 'string', enum: ['open', 'closed'], description: 'Only open or only closed anomalies' },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500, description: 'Most anomalies (highest peak score first)' },
        },
      },
    },
    config: { role: 'viewer', openapi: { tags: ['anomalies'], summary: 'Anomalies overlapping a time range, highest peak score first', responses: { 200: '{ anomalies: [...] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-24h');
    const { service, signal, minScore, status, limit } = request.query;
    const found = await queries.searchAnomalies(store, {
      sinceMs: Number(sinceNs / 1_000_000n),
      untilMs: Number(untilNs / 1_000_000n),
      service,
      signal,
      minScore,
      status,
      limit,
    });
    return { anomalies: found.map(anomalyView) };
  });

  app.get<{ Querystring: Filters }>('/api/v1/anomalies/stream', {
    schema: { querystring: { type: 'object', properties: { ...filters } } },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['anomalies'],
        summary: 'Live anomalies and incident transitions as Server-Sent Events',
        description: '`event: anomaly` with the anomaly as JSON data, plus `type`: open, update or close; `event: incident` with the incident as JSON data, plus `transition`: opened, updated, acknowledged, resolved or reopened (filtered by service only); heartbeat comments in between.',
        responses: { 200: 'text/event-stream', 400: 'Bad parameter' },
      },
    },
  }, async (request, reply) => {
    const { service, signal, minScore } = request.query;
    reply.hijack();
    hub.attach(request.raw, reply.raw, (data) => {
      // Incident transitions share the stream: the service filter applies to their services.
      if ((data as { transition?: string }).transition !== undefined) return service === undefined || (data as { services: string[] }).services.includes(service);
      const a = data as { service: string; signal: string; peakScore: number };
      return (service === undefined || a.service === service) && (signal === undefined || a.signal === signal) && (minScore === undefined || a.peakScore >= minScore);
    });
  });

  app.get<{ Params: { key: string }; Querystring: { since?: string; until?: string } }>('/api/v1/series/:key/scores', {
    schema: {
      params: { type: 'object', properties: { key: { type: 'string', minLength: 1, maxLength: 4096, description: 'Series key (an anomaly\'s seriesKey), URL-encoded' } } },
      querystring: { type: 'object', properties: { ...range } },
    },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['anomalies'],
        summary: 'A series\' scored points: value, expected band and anomaly score per minute, as columns',
        responses: { 200: '{ key, times: [unixMs], values, expected, lower, upper, scores }', 400: 'Bad parameter' },
      },
    },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-24h');
    const { key } = request.params;
    if (!parseSeriesKey(key)) throw new VigilError('API_BAD_REQUEST', 'key: not a series key (<signal>:<service>:<name>:<stat>[:<attributes>], URL-encoded)');
    const s = await queries.seriesScores(store, key, { sinceMs: Number(sinceNs / 1_000_000n), untilMs: Number(untilNs / 1_000_000n) });
    return { key, times: s.timesMs, values: s.values, expected: s.expected, lower: s.lower, upper: s.upper, scores: s.scores };
  });
}
