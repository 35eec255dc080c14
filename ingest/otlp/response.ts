import type { OtlpFormat } from './request.js';
import { otlpTypes } from './schema.js';

export type OtlpSignal = 'logs' | 'traces' | 'metrics';

/** What an export left out, for `partial_success`. */
export interface PartialSuccess {
  rejected: number;
  message: string;
}

const RESPONSES = {
  logs: { type: otlpTypes.logsResponse, countField: 'rejectedLogRecords' },
  traces: { type: otlpTypes.traceResponse, countField: 'rejectedSpans' },
  metrics: { type: otlpTypes.metricsResponse, countField: 'rejectedDataPoints' },
} as const;

/**
 * Export{Logs,Trace,Metrics}ServiceResponse in the request's encoding. Without
 * `partial` (or with nothing rejected and no message) the response is empty,
 * which OTLP reads as full success; otherwise `partial_success` carries the
 * rejected count and the message. In JSON the int64 count is a decimal string
 * (proto3 JSON mapping), which OTLP/JSON clients accept.
 */
export function encodeExportResponse(signal: OtlpSignal, format: OtlpFormat, partial?: PartialSuccess): Buffer {
  const { type, countField } = RESPONSES[signal];
  const hasPartial = partial !== undefined && (partial.rejected > 0 || partial.message !== '');
  if (format === 'json') {
    if (!hasPartial) return Buffer.from('{}');
    return Buffer.from(
      JSON.stringify({ partialSuccess: { [countField]: String(partial.rejected), errorMessage: partial.message } }),
    );
  }
  if (!hasPartial) return Buffer.alloc(0);
  const message = type.fromObject({ partialSuccess: { [countField]: partial.rejected, errorMessage: partial.message } });
  return Buffer.from(type.encode(message).finish());
}
