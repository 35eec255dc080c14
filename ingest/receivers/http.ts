import type { FastifyInstance, FastifyReply } from 'fastify';
import { VigilError } from '../../api/errors.js';

/**
 * Receivers take every body as raw bytes (the decoders own parsing), capped at the
 * HTTP layer by the configured body limit; decompressed size is capped again by the
 * decode stage.
 */
export function acceptRawBodies(app: FastifyInstance, maxBodyBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: maxBodyBytes }, (_req, body, done) => done(null, body));
}

export function bodyOf(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  throw new VigilError('INGEST_MISSING_FIELD', 'request body is empty');
}

export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function sendBytes(reply: FastifyReply, contentType: string, body: Buffer | string): FastifyReply {
  return reply.code(200).header('content-type', contentType).send(body);
}
