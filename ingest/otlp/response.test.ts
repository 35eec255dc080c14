import { JsonLogsSerializer, ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportResponse } from './response.js';

describe('encodeExportResponse', () => {
  it('is empty on full success (protobuf) and {} (JSON)', () => {
    expect(encodeExportResponse('logs', 'protobuf')).toHaveLength(0);
    expect(encodeExportResponse('traces', 'json').toString()).toBe('{}');
    expect(encodeExportResponse('metrics', 'protobuf', { rejected: 0, message: '' })).toHaveLength(0);
  });

  it('carries partial_success that the OpenTelemetry SDK reads back', () => {
    const partial = { rejected: 3, message: 'three data points had no value' };
    expect(ProtobufMetricsSerializer.deserializeResponse(encodeExportResponse('metrics', 'protobuf', partial))).toEqual({
      partialSuccess: { rejectedDataPoints: 3, errorMessage: partial.message },
    });
    expect(ProtobufTraceSerializer.deserializeResponse(encodeExportResponse('traces', 'protobuf', partial)).partialSuccess).toMatchObject({
      rejectedSpans: 3,
      errorMessage: partial.message,
    });
    expect(ProtobufLogsSerializer.deserializeResponse(encodeExportResponse('logs', 'protobuf', partial)).partialSuccess).toMatchObject({
      rejectedLogRecords: 3,
      errorMessage: partial.message,
    });
  });

  it('writes the OTLP/JSON field names with the int64 count as a string', () => {
    const body = encodeExportResponse('logs', 'json', { rejected: 2, message: 'm' });
    expect(JSON.parse(body.toString())).toEqual({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'm' } });
    expect(JsonLogsSerializer.deserializeResponse(body)).toEqual({ partialSuccess: { rejectedLogRecords: '2', errorMessage: 'm' } });
  });
});
