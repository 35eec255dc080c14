import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import type { IncidentRecord } from '../../analytics/queries/incidents.js';
import type { Incident } from '../../detectors/incidents/index.js';
import { VigilError } from '../errors.js';
import type { IncidentCommandClient } from '../incident-commands.js';
import type { IncidentRuntime } from '../incidents.js';
import { parseTimeNs } from '../time-range.js';
import { anomalyView } from './anomalies.js';

/** An incident as the API and the SSE stream show it (times RFC 3339, event time). */
export function incidentView(i: Incident | IncidentRecord) {
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return {
    id: i.id,
    fingerprint: i.fingerprint,
    title: i.title,
    status: i.status,
    severity: i.severity,
    services: i.services,
    rootService: i.rootService,
    start: iso(i.startMs),
    updated: iso(i.updatedMs),
    acknowledgedAt: iso(i.acknowledgedMs),
    acknowledgedBy: i.acknowledgedBy,
    resolvedAt: iso(i.resolvedMs),
    resolvedBy: i.resolvedBy,
    anomalyIds: i.anomalyIds,
    suspects: i.suspects,
    version: i.version,
  };
}

const STATUSES = ['open', 'acknowledged', 'resolved'] as const;
const idParams = { type: 'object', properties: { id: { type: 'string', minLength: 1, maxLength: 128, description: 'Incident id' } } } as const;
const MAX_BY_CHARS = 256;
const MAX_NOTE_CHARS = 2048;

/**
 * Who acts: the token's holder when the caller has one (a token cannot act for someone
 * else); without tokens (auth off), the optional body `{ "by": "alice" }`, else "api".
 */
function actorOf(principal: { kind: string; name: string } | undefined, body: unknown): string {
  if (principal && principal.kind !== 'anonymous') return principal.name;
  if (body === undefined || body === null) return 'api';
  const by = (body as { by?: unknown }).by;
  if (by === undefined) return 'api';
  if (typeof by !== 'string' || by.length === 0 || by.length > MAX_BY_CHARS) throw new VigilError('API_BAD_REQUEST', `by: expected a string of 1 to ${MAX_BY_CHARS} characters`);
  return by;
}

/** The optional body `{ "note": "…" }`: words for the timeline entry. */
function noteOf(body: unknown): string | undefined {
  const note = body === undefined || body === null ? undefined : (body as { note?: unknown }).note;
  if (note === undefined) return undefined;
  if (typeof note !== 'string' || note.length > MAX_NOTE_CHARS) throw new VigilError('API_BAD_REQUEST', `note: expected a string of at most ${MAX_NOTE_CHARS} characters`);
  return note || undefined;
}

export interface IncidentRouteDeps {
  store: Store;
  /** The incident engine when it runs in this process. */
  runtime: IncidentRuntime | undefined;
  /** Without the engine here (the api role): ack/resolve go to it as incident commands over Kafka. */
  commands?: IncidentCommandClient;
}

/** Incidents: list, detail (timeline, suspects, anomalies, changes), acknowledge and resolve. */
export async function incidentRoutes(app: FastifyInstance, deps: IncidentRouteDeps): Promise<void> {
  const { store, runtime, commands } = deps;

  /** The freshest copy: the engine's when it is ahead of the store (its write may be in flight). */
  const freshest = (stored: IncidentRecord | undefined, id: string): Incident | IncidentRecord | undefined => {
    const live = runtime?.live().find((i) => i.id === id);
    return live && (!stored || live.version >= stored.version) ? live : stored;
  };

  app.get<{ Querystring: { status?: (typeof STATUSES)[number]; service?: string; since?: string; limit: number } }>('/api/v1/incidents', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          status: { type: 'string', enum: [...STATUSES], description: 'Only incidents in this status' },
          service: { type: 'string', description: 'Only incidents affecting this service' },
          since: { type: 'string', description: 'Incidents updated since (event time; RFC 3339, epoch or now-<n><unit>), plus every one not resolved. Default now-7d.' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Most incidents (newest first)' },
        },
      },
    },
    config: { role: 'viewer', openapi: { tags: ['incidents'], summary: 'Incidents, newest first', responses: { 200: '{ incidents: [...] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { status, service, limit } = request.query;
    const sinceMs = Number(parseTimeNs('since', request.query.since ?? 'now-7d', Date.now()) / 1_000_000n);
    const stored = await queries.listIncidents(store, { status, service, sinceMs, limit });
    const byId = new Map<string, Incident | IncidentRecord>(stored.map((i) => [i.id, i]));
    for (const live of runtime?.live() ?? []) {
      const known = byId.get(live.id);
      const matches = (status === undefined || live.status === status) && (service === undefined || live.services.includes(service)) && (live.status !== 'resolved' || live.updatedMs >= sinceMs);
      if (known ? live.version > known.version : matches) byId.set(live.id, live);
    }
    const incidents = [...byId.values()]
      .filter((i) => (status === undefined || i.status === status) && (service === undefined || i.services.includes(service)))
      .sort((a, b) => b.startMs - a.startMs)
      .slice(0, limit);
    return { incidents: incidents.map(incidentView) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/incidents/:id', {
    schema: { params: idParams },
    config: {
      role: 'viewer',
      openapi: {
        tags: ['incidents'],
        summary: 'One incident with its timeline, ranked suspects, linked anomalies and changes',
        responses: { 200: '{ incident, timeline: [...], anomalies: [...], changes: [...] }', 404: 'No such incident' },
      },
    },
  }, async (request) => {
    const { id } = request.params;
    const incident = freshest(await queries.getIncident(store, id), id);
    if (!incident) throw new VigilError('API_NOT_FOUND', `no incident ${id}`);
    const [timeline, anomalies] = await Promise.all([queries.incidentTimeline(store, id), queries.anomaliesByIds(store, incident.anomalyIds)]);
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      incident: incidentView(incident),
      timeline: timeline.map((t) => ({ time: iso(t.timeMs), kind: t.kind, ref: t.ref, message: t.message, attributes: t.attributes })),
      anomalies: anomalies.map(anomalyView),
      changes: timeline.filter((t) => t.kind === 'change').map((t) => ({ id: t.ref, time: iso(t.timeMs), summary: t.message, ...t.attributes })),
    };
  });

  for (const action of ['ack', 'resolve'] as const) {
    app.post<{ Params: { id: string } }>(`/api/v1/incidents/:id/${action}`, {
      schema: { params: idParams },
      config: {
        role: 'sre',
        openapi: {
          tags: ['incidents'],
          summary: action === 'ack' ? 'Acknowledge an incident (stops re-paging; it still resolves and reopens)' : 'Resolve an incident (a related anomaly within incidents.reopenWindowMinutes reopens it)',
          description:
            'Who acts is the token\'s holder; without tokens (auth off), the optional JSON body `{ "by": "alice" }` names them (default "api"). Shown in the timeline and the incident; an optional `note` in the body goes into the timeline entry. ' +
            'On an api role (scale-out) the action is sent as an incident command over Kafka to the detector that runs the incident engine; the answer waits up to a few seconds for its transition and carries `commandId`.',
          responses: {
            200: '{ incident, commandId? } after the transition (unchanged when it was already in that status)',
            202: 'api role only: { commandId, incident } — the command is on Kafka but the incident engine has not applied it yet; `incident` is as last stored, and the transition follows on the live stream',
            404: 'No such incident in the engine (never opened, or resolved longer ago than the reopen window)',
            ...(action === 'ack' ? { 409: 'The incident is resolved' } : {}),
            503: 'The incident engine is off, or (api role) the command could not be sent to Kafka',
          } as Record<number, string>,
        },
      },
    }, async (request, reply) => {
      if (!runtime && !commands) throw new VigilError('INCIDENTS_DISABLED', 'the incident engine is not running (incidents.enabled, detect.enabled)');
      const by = actorOf(request.principal, request.body);
      const note = noteOf(request.body);
      if (runtime) {
        const incident = action === 'ack' ? await runtime.ack(request.params.id, by, note) : await runtime.resolve(request.params.id, by, note);
        await request.audit({ action: `incident.${action}`, target: request.params.id, detail: JSON.stringify({ by }) });
        return { incident: incidentView(incident) };
      }
      const outcome = await commands!.send(action, request.params.id, by, note);
      await request.audit({ action: `incident.${action}`, target: request.params.id, detail: JSON.stringify({ by, command: outcome.commandId }) });
      const body = { incident: incidentView(outcome.incident), ...(outcome.commandId ? { commandId: outcome.commandId } : {}) };
      return outcome.pending ? reply.code(202).send(body) : body;
    });
  }
}
