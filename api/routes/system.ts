import type { FastifyInstance } from 'fastify';
import type { OpenApiRegistry } from '../openapi.js';

export interface HealthReport {
  status: 'ok' | 'degraded';
  store: { kind: string; reachable: boolean; error?: string };
  /** The in-process ingest queue (embedded mode). */
  queue?: { messages: number; items: number; maxItems: number };
  /** The scale-out role answering (absent: embedded). */
  role?: string;
  /** The Kafka topics a role reads (scale-out). */
  kafka?: { brokers: string; error?: string };
  /** Online detection counters, when it runs. */
  detection?: { seriesInMemory: number; restoredSeries: number; lateObservations: number; stalePoints: number; droppedScores: number };
}

/** Health and the OpenAPI document. */
export async function systemRoutes(app: FastifyInstance, deps: { health: () => Promise<HealthReport>; openapi: OpenApiRegistry }): Promise<void> {
  app.get('/api/v1/health', {
    config: { role: 'public', openapi: { tags: ['system'], summary: 'Store reachability and ingest queue depth', responses: { 200: 'Healthy', 503: 'Store unreachable' } } },
  }, async (_request, reply) => {
    const report = await deps.health();
    return reply.code(report.status === 'ok' ? 200 : 503).send(report);
  });

  app.get('/api/v1/openapi.json', {
    config: { role: 'public', openapi: { tags: ['system'], summary: 'This OpenAPI 3.1 document', responses: { 200: 'OpenAPI document' } } },
  }, async () => deps.openapi.document());
}
