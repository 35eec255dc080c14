/** Ingest limits from configuration, shared by every receiver: the decode stage's limits. */
export type { DecodeLimits as IngestLimits } from '../decode/limits.js';
