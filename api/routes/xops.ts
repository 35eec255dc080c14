import type { FastifyInstance } from 'fastify';
import type { Store } from '../../analytics/index.js';
import type { DoraMetrics } from '../../detectors/dora/index.js';
import { EVENT_TYPES, versionedType } from '../../ingest/index.js';
import { parseRange, parseTimeNs } from '../time-range.js';
import { assessChange } from '../xops/change-risk.js';
import { doraFor } from '../xops/dora.js';
import type { ChangeRiskSettings } from '../xops/settings.js';

const iso = (ms: number) => new Date(ms).toISOString();
const nsToMs = (ns: bigint) => Number(ns / 1_000_000n);

interface ChangeRiskBody {
  service: string;
  type: string;
  plannedAt?: string;
  author?: string;
  size?: number;
  description?: string;
}

/** XOps: the documented event types, DORA's four keys and change-advisory risk. */
export async function xopsRoutes(app: FastifyInstance, deps: { store: Store; settings: ChangeRiskSettings }): Promise<void> {
  const { store, settings } = deps;

  app.get('/api/v1/event-types', {
    config: {
      role: 'viewer',
      openapi: {
        tags: ['xops'],
        summary: 'The documented CloudEvents types: practice, JSON Schema of data, an example',
        description: 'Events of these types are validated at POST /v1/events (any version suffix); other types are stored as sent.',
        responses: { 200: '{ eventTypes: [{ type, version, practice, description, schema, example }] }' },
      },
    },
  }, async () => ({
    eventTypes: EVENT_TYPES.map((t) => ({ type: versionedType(t), version: t.version, practice: t.practice, description: t.description, schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...t.schema }, example: t.example })),
  }));

  app.get<{ Querystring: { service?: string; team?: string; since?: string; until?: string } }>('/api/v1/dora', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          service: { type: 'string', minLength: 1, description: 'Only this service' },
          team: { type: 'string', minLength: 1, description: 'Only this team\'s deployments' },
          since: { type: 'string', description: 'Start (event time): RFC 3339, Unix epoch or now-<n><s|m|h|d|w>. Default now-30d.' },
          until: { type: 'string', description: 'End (exclusive), same forms. Default now.' },
        },
      },
    },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['xops'],
        summary: 'DORA metrics: deployment frequency, lead time for changes, change failure rate, failed deployment recovery time, with bands',
        responses: { 200: '{ since, until, overall, services: [...], teams: [...], weekly: [...] }', 400: 'Bad parameter' },
      },
    },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-30d');
    const { service, team } = request.query;
    const report = await doraFor(store, { sinceMs: nsToMs(sinceNs), untilMs: nsToMs(untilNs), service, team }, settings.dora);
    return {
      since: iso(nsToMs(sinceNs)),
      until: iso(nsToMs(untilNs)),
      filter: { service: service ?? null, team: team ?? null },
      overall: metricsView(report.overall),
      services: report.services.map(({ service: s, team: t, ...m }) => ({ service: s, team: t, ...metricsView(m) })),
      teams: report.teams.map(({ team: t, ...m }) => ({ team: t, ...metricsView(m) })),
      weekly: report.weekly.map(({ weekStartMs, ...w }) => ({ weekStart: iso(weekStartMs), ...w })),
    };
  });

  app.post<{ Body: ChangeRiskBody }>('/api/v1/change-risk', {
    schema: {
      body: {
        type: 'object',
        required: ['service', 'type'],
        additionalProperties: false,
        properties: {
          service: { type: 'string', minLength: 1, maxLength: 256, description: 'Service the change is to' },
          type: { type: 'string', minLength: 1, maxLength: 64, description: 'Kind of change: deploy, config, schema-migration, feature-flag, infrastructure, …' },
          plannedAt: { type: 'string', description: 'When it is planned (RFC 3339, Unix epoch or now+<n><unit>); default now' },
          author: { type: 'string', maxLength: 256 },
          size: { type: 'integer', minimum: 0, description: 'Lines changed' },
          description: { type: 'string', maxLength: 4096 },
        },
      },
    },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['xops'],
        summary: 'Change-advisory risk of a planned change: score 0-100, level and the factors behind it',
        requestContentTypes: ['application/json'],
        responses: { 200: '{ service, type, plannedAt, score, level: low|medium|high|critical, factors: [{ name, weight, value, points, evidence }], blastRadius }', 400: 'Bad body field' },
      },
    },
  }, async (request) => {
    const { service, type, plannedAt, author, size } = request.body;
    const atMs = nsToMs(parseTimeNs('plannedAt', plannedAt ?? 'now', Date.now()));
    const risk = await assessChange(store, { service, type, atMs, size }, settings);
    return { service, type, plannedAt: iso(atMs), author: author ?? null, ...risk };
  });
}

const round = (x: number | null, digits = 3) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

function metricsView(m: DoraMetrics) {
  return {
    deployments: m.deployments,
    deploymentFrequency: { perDay: round(m.deploymentFrequency.perDay), perWeek: round(m.deploymentFrequency.perWeek), band: m.deploymentFrequency.band },
    leadTime: { changes: m.leadTime.changes, medianHours: round(m.leadTime.medianHours), band: m.leadTime.band },
    changeFailureRate: { failedDeployments: m.changeFailureRate.failedDeployments, rate: round(m.changeFailureRate.rate, 4), band: m.changeFailureRate.band },
    recoveryTime: { recovered: m.recoveryTime.recovered, unrecovered: m.recoveryTime.unrecovered, medianHours: round(m.recoveryTime.medianHours), band: m.recoveryTime.band },
    band: m.band,
  };
}
