export { decodeLogs } from './logs.js';
export { decodeTraces } from './traces.js';
export { decodeMetrics } from './metrics.js';
export { encodeExportResponse, type OtlpSignal, type PartialSuccess } from './response.js';
export type { OtlpFormat } from './request.js';
