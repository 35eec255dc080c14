import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { VigilError } from '../errors.js';
import type { IncidentRuntime } from '../incidents.js';
import { parseRange, parseTimeNs } from '../time-range.js';

const range = {
  since: { type: 'string', description: 'Start (event time): RFC 3339, Unix epoch (s, ms or ns) or now-<n><s|m|h|d|w>. Default now-15m.' },
  until: { type: 'string', description: 'End (exclusive), same forms. Default now.' },
} as const;

const toMs = (ns: bigint) => Number(ns / 1_000_000n);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Trace analytics: the service map and the slow/failed span comparison. */
export async function serviceMapRoutes(app: FastifyInstance, deps: { store: Store; runtime: IncidentRuntime | undefined }): Promise<void> {
  const { store, runtime } = deps;

  app.get<{ Querystring: { since?: string; until?: string } }>('/api/v1/service-map', {
    schema: { querystring: { type: 'object', properties: { ...range } } },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['traces'],
        summary: 'Services, the peers they call (databases, caches, queues, external) and the calls between them, with rate, errors and latency',
        description: 'Nodes: name, kind, callsPerMinute, errorRatio, p95Ms, anomalous (an open anomaly or open incident now). Edges: caller, callee, calleeKind, callsPerMinute, errorRatio, p50Ms, p95Ms.',
        responses: { 200: '{ since, until, nodes: [...], edges: [...] }', 400: 'Bad parameter' },
      },
    },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-15m');
    const r = { sinceMs: toMs(sinceNs), untilMs: toMs(untilNs) };
    const minutes = Math.max(1, (r.untilMs - r.sinceMs) / 60_000);
    const [map, open] = await Promise.all([
      queries.serviceMap(store, r),
      queries.searchAnomalies(store, { sinceMs: r.sinceMs, untilMs: r.untilMs, status: 'open', limit: 10_000 }),
    ]);
    const anomalous = new Set(open.map((a) => a.service));
    for (const i of runtime?.live() ?? []) if (i.status !== 'resolved') for (const s of i.services) anomalous.add(s);
    return {
      since: new Date(r.sinceMs).toISOString(),
      until: new Date(r.untilMs).toISOString(),
      nodes: map.nodes.map((n) => ({ name: n.name, kind: n.kind, callsPerMinute: round(n.calls / minutes), errorRatio: n.calls > 0 ? round(n.errors / n.calls, 4) : 0, p95Ms: round(n.p95Ms), anomalous: anomalous.has(n.name) })),
      edges: map.edges.map((e) => ({
        caller: e.caller,
        callee: e.callee,
        calleeKind: e.calleeKind,
        callsPerMinute: round(e.calls / minutes),
        errorRatio: e.calls > 0 ? round(e.errors / e.calls, 4) : 0,
        p50Ms: round(e.p50Ms),
        p95Ms: round(e.p95Ms),
      })),
    };
  });

  app.get<{ Querystring: { service: string; since?: string; until?: string; baselineSince?: string; baselineUntil?: string; select: 'slow' | 'errors' | 'both'; limit: number } }>('/api/v1/traces/compare', {
    schema: {
      querystring: {
        type: 'object',
        required: ['service'],
        properties: {
          service: { type: 'string', minLength: 1, description: 'Service whose spans are compared' },
          ...range,
          baselineSince: { type: 'string', description: 'Baseline start, same forms. Default: as long before since as the range is long.' },
          baselineUntil: { type: 'string', description: 'Baseline end. Default: since.' },
          select: { type: 'string', enum: ['slow', 'errors', 'both'], default: 'both', description: 'Spans of the range looked at: slow (duration ≥ the baseline p95), errors (status Error), or both' },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 20, description: 'Most attribute values returned' },
        },
      },
    },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['traces'],
        summary: 'Which span attribute values are over-represented among slow or failed spans of a range, against a baseline range',
        description: 'Each delta: key (span.name, status.code, a span attribute, or resource.<key>), value, selectedCount/selectedShare (among the selected spans of the range), baselineCount/baselineShare (among all baseline spans), lift.',
        responses: { 200: '{ service, baselineP95Ms, spans, selected, slow, failed, baselineSpans, deltas: [...] }', 400: 'Bad parameter' },
      },
    },
  }, async (request) => {
    const q = request.query;
    const nowMs = Date.now();
    const { sinceNs, untilNs } = parseRange(q, 'now-15m', nowMs);
    const lengthNs = untilNs - sinceNs;
    const baselineUntilNs = q.baselineUntil ? parseTimeNs('baselineUntil', q.baselineUntil, nowMs) : sinceNs;
    const baselineSinceNs = q.baselineSince ? parseTimeNs('baselineSince', q.baselineSince, nowMs) : baselineUntilNs - lengthNs;
    if (baselineUntilNs <= baselineSinceNs) throw new VigilError('API_BAD_REQUEST', 'baselineUntil must be after baselineSince');
    const result = await queries.compareSpans(store, {
      service: q.service,
      sinceMs: toMs(sinceNs),
      untilMs: toMs(untilNs),
      baselineSinceMs: toMs(baselineSinceNs),
      baselineUntilMs: toMs(baselineUntilNs),
      select: q.select,
      limit: q.limit,
      minShare: 0.05,
    });
    return { service: q.service, since: new Date(toMs(sinceNs)).toISOString(), until: new Date(toMs(untilNs)).toISOString(), baselineSince: new Date(toMs(baselineSinceNs)).toISOString(), baselineUntil: new Date(toMs(baselineUntilNs)).toISOString(), ...result };
  });
}
