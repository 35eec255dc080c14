import type { FastifyInstance } from 'fastify';
import { decodeCloudEvents } from '../decode/index.js';
import { decompress } from '../decode/index.js';
import type { IngestPipeline } from '../pipeline.js';
import { acceptRawBodies, bodyOf, headerValue } from './http.js';
import type { IngestLimits } from './limits.js';

/** CloudEvents 1.0 over HTTP: structured, binary and batch modes. */
export async function cloudEventsReceiver(app: FastifyInstance, deps: { pipeline: IngestPipeline; limits: IngestLimits }): Promise<void> {
  acceptRawBodies(app, deps.limits.maxBodyBytes);
  app.post('/v1/events', {
    config: {
      role: 'ingest',
      queueFullStatus: 503,
      openapi: {
        tags: ['ingest'],
        summary: 'CloudEvents 1.0 (structured, binary or batch mode)',
        description: 'Structured: Content-Type application/cloudevents+json. Batch: application/cloudevents-batch+json (a JSON array). Binary: ce-* headers with the data as the body. Events are deduplicated on source + id. Answers 202 with the number of events once committed.',
        requestContentTypes: ['application/cloudevents+json', 'application/cloudevents-batch+json', '*/*'],
        responses: { 202: 'Committed: { accepted: N }', 400: 'Malformed or missing attributes', 413: 'Body too large', 503: 'Queue full or store unavailable' },
      },
    },
  }, async (request, reply) => {
    const body = decompress(bodyOf(request.body), headerValue(request.headers['content-encoding']), deps.limits.maxBodyBytes);
    const receivedAtNs = BigInt(Date.now()) * 1_000_000n;
    const batch = decodeCloudEvents(body, request.headers, deps.limits, receivedAtNs);
    await deps.pipeline.submit('events', batch);
    return reply.code(202).send({ accepted: batch.rows.events?.length ?? 0 });
  });
}
