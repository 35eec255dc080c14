/**
 * The decode and validate/limit stages of ingest: pure functions from a request
 * body to rows (`DecodedBatch`) that throw only VigilError. Re-exported by
 * ingest/index.ts; each decoder also has its folder's index.
 */
export { decompress } from './decompress.js';
export { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './limits.js';
export * from '../otlp/index.js';
export * from '../prometheus/index.js';
export * from '../cloudevents/index.js';
