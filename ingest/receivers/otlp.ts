import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../api/errors.js';
import { decompress } from '../decode/index.js';
import { decodeLogs, decodeMetrics, decodeTraces, encodeExportResponse } from '../decode/index.js';
import type { IngestPipeline } from '../pipeline.js';
import type { DecodedBatch } from '../rows.js';
import { withStageSpan } from '../telemetry.js';
import { acceptRawBodies, bodyOf, headerValue, mediaType, sendBytes } from './http.js';
import type { IngestLimits } from './limits.js';

type OtlpSignal = 'logs' | 'traces' | 'metrics';
type Decoder = (body: Buffer, format: 'protobuf' | 'json', limits: IngestLimits, receivedAtNs: bigint) => DecodedBatch;

const DECODERS: Record<OtlpSignal, Decoder> = { logs: decodeLogs, traces: decodeTraces, metrics: decodeMetrics };

/** OTLP/HTTP receivers: `POST /v1/logs`, `/v1/traces`, `/v1/metrics`, protobuf or JSON, optionally gzip. */
export async function otlpReceivers(app: FastifyInstance, deps: { pipeline: IngestPipeline; limits: IngestLimits }): Promise<void> {
  acceptRawBodies(app, deps.limits.maxBodyBytes);
  for (const signal of Object.keys(DECODERS) as OtlpSignal[]) {
    app.post(`/v1/${signal}`, { config: { role: 'ingest', queueFullStatus: 429, openapi: otlpDoc(signal) } }, async (request, reply) => {
      const format = otlpFormat(request.headers['content-type']);
      const body = decompress(bodyOf(request.body), headerValue(request.headers['content-encoding']), deps.limits.maxBodyBytes);
      const receivedAtNs = BigInt(Date.now()) * 1_000_000n;
      const batch = await withStageSpan('ingest.decode', { 'vigil.signal': signal }, async () => DECODERS[signal](body, format, deps.limits, receivedAtNs));
      await deps.pipeline.submit(signal, batch);
      const partial = batch.rejected > 0 ? { rejected: batch.rejected, message: batch.rejectedReason ?? 'some items were rejected' } : undefined;
      return sendBytes(reply, format === 'json' ? 'application/json' : 'application/x-protobuf', encodeExportResponse(signal, format, partial));
    });
  }
}

function otlpFormat(contentType: string | undefined): 'protobuf' | 'json' {
  const type = mediaType(contentType);
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new VigilError('INGEST_BAD_CONTENT_TYPE', `Content-Type must be application/x-protobuf or application/json, got "${type || 'none'}"`);
}

function otlpDoc(signal: OtlpSignal) {
  return {
    tags: ['ingest'],
    summary: `OTLP/HTTP ${signal} export`,
    description: `Export${signal === 'traces' ? 'Trace' : signal[0].toUpperCase() + signal.slice(1)}ServiceRequest in protobuf or JSON (Content-Encoding gzip or deflate accepted). Answers 200 only after the data is committed; 429 with Retry-After when the ingest queue is full.`,
    requestContentTypes: ['application/x-protobuf', 'application/json'],
    responses: { 200: 'Committed; body is the OTLP export response (with partial_success when items were dropped)', 400: 'Malformed or invalid', 413: 'Body too large', 415: 'Unsupported Content-Type or Content-Encoding', 429: 'Queue full', 503: 'Store unavailable' },
  };
}
