import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../api/errors.js';
import { decodeRemoteWrite } from '../decode/index.js';
import type { IngestPipeline } from '../pipeline.js';
import { acceptRawBodies, bodyOf, headerValue, mediaType } from './http.js';
import type { IngestLimits } from './limits.js';

/** Prometheus remote write v1: snappy-compressed protobuf WriteRequest. */
export async function remoteWriteReceiver(app: FastifyInstance, deps: { pipeline: IngestPipeline; limits: IngestLimits }): Promise<void> {
  acceptRawBodies(app, deps.limits.maxBodyBytes);
  app.post('/api/v1/write', {
    config: {
      role: 'ingest',
      queueFullStatus: 503,
      openapi: {
        tags: ['ingest'],
        summary: 'Prometheus remote write v1',
        description: 'Snappy-compressed prometheus.WriteRequest (Content-Encoding: snappy). 204 once committed.',
        requestContentTypes: ['application/x-protobuf'],
        responses: { 204: 'Committed', 400: 'Malformed', 413: 'Body too large', 415: 'Wrong Content-Type or encoding', 503: 'Queue full or store unavailable' },
      },
    },
  }, async (request, reply) => {
    const type = mediaType(request.headers['content-type']);
    if (type !== 'application/x-protobuf') {
      throw new VigilError('INGEST_BAD_CONTENT_TYPE', `Content-Type must be application/x-protobuf, got "${type || 'none'}"`);
    }
    const encoding = (headerValue(request.headers['content-encoding']) ?? 'snappy').toLowerCase();
    if (encoding !== 'snappy') throw new VigilError('INGEST_BAD_ENCODING', `Content-Encoding must be snappy, got "${encoding}"`);
    const batch = decodeRemoteWrite(bodyOf(request.body), deps.limits);
    await deps.pipeline.submit('metrics', batch);
    return reply.code(204).send();
  });
}
