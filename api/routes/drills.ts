import type { FastifyInstance, FastifyRequest } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import { drillLibrary, renderDrillHtml, type DrillReport, type ReportChart } from '../../chaos/drills/index.js';
import { DrillService } from '../drills.js';

const tags = ['drills'];
const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Drill id' } } } as const;

/**
 * Who is asking: the token's name when access control authenticated the request; without
 * access control (loopback, zero-config) the `by` field of the body, as incident ack takes it.
 */
function actorOf(request: FastifyRequest): string {
  if (request.principal?.kind === 'token') return request.principal.name;
  const by = (request.body as { by?: unknown } | undefined)?.by;
  return typeof by === 'string' && by ? by : 'anonymous';
}

const byBody = { type: 'object', properties: { by: { type: 'string', description: 'Who (without access control; with it, the token name is used)' } } } as const;

/** Charts for the HTML report: each fault's first anomalous series over the drill's live window. */
async function reportCharts(store: Store, report: DrillReport): Promise<ReportChart[]> {
  const keys = [...new Set(report.score.faults.flatMap((f) => (f.firstAnomaly ? [f.firstAnomaly.seriesKey] : [])))].slice(0, 6);
  const margin = 10 * 60_000;
  return Promise.all(
    keys.map(async (key) => {
      const s = await queries.seriesScores(store, key, { sinceMs: report.live.startMs - margin, untilMs: report.live.endMs + 60_000 });
      return { title: key, points: s.timesMs.map((t, i) => [t, s.values[i], s.lower[i], s.upper[i]] as [number, number, number, number]) };
    }),
  );
}

/** Chaos drills: the library, runs (with approval for real targets), history and reports. */
export async function drillRoutes(app: FastifyInstance, deps: { drills: DrillService; store: Store }): Promise<void> {
  const { drills, store } = deps;

  app.get('/api/v1/drills/library', {
    config: { role: 'viewer', openapi: { tags, summary: 'Ready-made drills, one per fault type, on the synthetic topology', responses: { 200: '{ drills: [{ name, hypothesis, faults, blastRadius, spec }] }' } } },
  }, async () => ({
    drills: drillLibrary().map((d) => ({ name: d.name, hypothesis: d.spec.hypothesis, faults: d.spec.faults, blastRadius: d.spec.blastRadius, spec: d.text })),
  }));

  app.post<{ Body: { spec?: unknown; library?: string } }>('/api/v1/drills', {
    schema: {
      body: {
        type: 'object',
        properties: {
          spec: { description: 'A drill spec: YAML/JSON text or an object (see chaos/drills/drill.schema.json)' },
          library: { type: 'string', description: 'Name of a library drill to run instead' },
          by: { type: 'string', description: 'Who requests it (without access control; with it, the token name is used)' },
        },
      },
    },
    config: {
      role: 'sre',
      openapi: { tags, summary: 'Run a drill (synthetic targets start at once; real targets wait for approval)', responses: { 202: 'The drill: { id, status, ... }', 400: 'Invalid spec (the message names the field)', 409: 'Another drill is running' } },
    },
  }, async (request, reply) => {
    const spec = DrillService.specOf(request.body ?? {});
    const view = await drills.request(spec, actorOf(request));
    await request.audit({ action: 'drill.request', target: view.id, detail: JSON.stringify({ name: spec.name, target: spec.target.kind, by: view.requestedBy }) });
    return reply.code(202).send(view);
  });

  app.get<{ Querystring: { name?: string; limit: number } }>('/api/v1/drills', {
    schema: {
      querystring: {
        type: 'object',
        properties: { name: { type: 'string', description: 'Only drills of this name' }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      },
    },
    config: { role: 'viewer', openapi: { tags, summary: 'Drill history, newest first, with scores (the trend of a name over time)', responses: { 200: '{ drills: [...] }' } } },
  }, async (request) => ({ drills: await drills.list(request.query.name, request.query.limit) }));

  app.get<{ Params: { id: string } }>('/api/v1/drills/:id', {
    schema: { params: idParam },
    config: { role: 'viewer', openapi: { tags, summary: 'One drill: status, live progress while it runs, the scored report once done', responses: { 200: 'The drill', 404: 'No such drill' } } },
  }, async (request) => drills.get(request.params.id));

  app.post<{ Params: { id: string } }>('/api/v1/drills/:id/approve', {
    schema: { params: idParam, body: byBody },
    config: { role: 'sre', openapi: { tags, summary: 'Approve a real-target drill (someone other than the requester, inside the change window); it starts at once', responses: { 200: 'The drill, running', 403: 'Refused (same person, or outside the window)', 404: 'No such drill', 409: 'Not awaiting approval, or another drill runs' } } },
  }, async (request) => {
    const by = actorOf(request);
    try {
      const view = await drills.approve(request.params.id, by);
      await request.audit({ action: 'drill.approve', target: request.params.id, detail: JSON.stringify({ by }) });
      return view;
    } catch (err) {
      await request.audit({ action: 'drill.approve', target: request.params.id, result: 'denied', detail: JSON.stringify({ by, reason: (err as Error).message }) });
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/api/v1/drills/:id/stop', {
    schema: { params: idParam, body: byBody },
    config: { role: 'sre', openapi: { tags, summary: 'Stop a running drill now (faults end; it is scored as aborted)', responses: { 200: 'The drill', 409: 'Not running' } } },
  }, async (request) => {
    const view = drills.stop(request.params.id, actorOf(request));
    await request.audit({ action: 'drill.stop', target: request.params.id, detail: JSON.stringify({ by: actorOf(request) }) });
    return view;
  });

  app.get<{ Params: { id: string }; Querystring: { format: 'html' | 'json' } }>('/api/v1/drills/:id/report', {
    schema: { params: idParam, querystring: { type: 'object', properties: { format: { type: 'string', enum: ['html', 'json'], default: 'json' } } } },
    config: { role: 'viewer', openapi: { tags, summary: 'The drill report: JSON, or a self-contained HTML page (charts with fault windows, timeline, scores)', responses: { 200: 'Report', 404: 'No such drill', 409: 'Not finished' } } },
  }, async (request, reply) => {
    const report = await drills.report(request.params.id);
    if (request.query.format !== 'html') return report;
    return reply.type('text/html; charset=utf-8').send(renderDrillHtml(report, await reportCharts(store, report)));
  });
}
