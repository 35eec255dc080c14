import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { VigilError } from '../errors.js';
import { costReport, incidentCost } from '../finops/cost.js';
import type { CostSettings } from '../finops/settings.js';
import type { IncidentRuntime } from '../incidents.js';
import { parseRange } from '../time-range.js';

const iso = (ms: number) => new Date(ms).toISOString();
const day = (ms: number) => iso(ms).slice(0, 10);
const cents = (x: number) => Math.round(x * 100) / 100;

/** Cost: per service, team, provider or cloud service and day, with cost anomalies; the cost of an incident window. */
export async function costRoutes(app: FastifyInstance, deps: { store: Store; runtime: IncidentRuntime | undefined; settings: CostSettings }): Promise<void> {
  const { store, runtime, settings } = deps;

  app.get<{ Querystring: { groupBy: queries.CostGroup; since?: string; until?: string } }>('/api/v1/cost', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          groupBy: { type: 'string', enum: [...queries.COST_GROUPS], default: 'service', description: 'service (tags.service), team (tags.team), provider or cloudService' },
          since: { type: 'string', description: 'First day (UTC days; RFC 3339, epoch or now-<n><unit>). Default now-30d.' },
          until: { type: 'string', description: 'End, exclusive (the day it falls in is included). Default now.' },
        },
      },
    },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['cost'],
        summary: 'Cost per group and day from io.vigil.finops.cost events, with cost anomalies',
        description: 'Anomalies: each group\'s daily cost runs through the online detector (windowed z-score over cost.anomalyWindowDays, warmed on the days before since); days scoring at least cost.anomalyThreshold are listed with the expected band.',
        responses: { 200: '{ groupBy, since, until, totals: [{ currency, total }], groups: [{ key, currency, total, days: [{ day, cost }] }], anomalies: [{ key, currency, day, cost, expected, lower, upper, score }] }', 400: 'Bad parameter' },
      },
    },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-30d');
    const groupBy = request.query.groupBy;
    const report = await costReport(store, { sinceMs: Number(sinceNs / 1_000_000n), untilMs: Number(untilNs / 1_000_000n), groupBy }, settings);
    return {
      groupBy,
      since: iso(Number(sinceNs / 1_000_000n)),
      until: iso(Number(untilNs / 1_000_000n)),
      totals: report.totals.map((t) => ({ currency: t.currency, total: cents(t.total) })),
      groups: report.groups.map((g) => ({ key: g.key, currency: g.currency, total: cents(g.total), days: g.days.map((d) => ({ day: day(d.dayMs), cost: cents(d.cost) })) })),
      anomalies: report.anomalies.map((a) => ({ key: a.key, currency: a.currency, day: day(a.dayMs), cost: cents(a.cost), expected: cents(a.expected), lower: cents(a.lower), upper: cents(a.upper), score: Math.round(a.score * 1000) / 1000 })),
    };
  });

  app.get<{ Params: { id: string } }>('/api/v1/cost/incidents/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 128, description: 'Incident id' } } } },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['cost'],
        summary: 'What an incident window cost: each affected service\'s cost rate (cost.incidentRateDays before it) × the incident\'s duration',
        responses: { 200: '{ incident, start, end, durationHours, services: [{ service, currency, ratePerHour, cost }], totals: [{ currency, total }] }', 404: 'No such incident' },
      },
    },
  }, async (request) => {
    const { id } = request.params;
    const stored = await queries.getIncident(store, id);
    const live = runtime?.live().find((i) => i.id === id);
    const incident = live && (!stored || live.version >= stored.version) ? live : stored;
    if (!incident) throw new VigilError('API_NOT_FOUND', `no incident ${id}`);
    const cost = await incidentCost(store, incident, settings, Date.now());
    return {
      incident: { id: incident.id, title: incident.title, status: incident.status, services: incident.services },
      start: iso(cost.startMs),
      end: iso(cost.endMs),
      durationHours: Math.round(cost.durationHours * 1000) / 1000,
      services: cost.services.map((s) => ({ service: s.service, currency: s.currency, ratePerHour: Math.round(s.ratePerHour * 10_000) / 10_000, cost: cents(s.cost) })),
      totals: cost.totals.map((t) => ({ currency: t.currency, total: cents(t.total) })),
    };
  });
}
