import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../api/errors.js';
import { DEFAULT_DECODE_LIMITS } from '../decode/limits.js';
import type { LogRow } from '../rows.js';
import { decodeLogs } from './logs.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

/** Log records made by the real OpenTelemetry JS SDK. */
function sdkLogRecords(): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'web-1', 'process.pid': 4242 }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('checkout-logger', '2.3.4');
  const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
  logger.emit({
    timestamp: [1_700_000_000, 123_456_789],
    observedTimestamp: [1_700_000_001, 5],
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'payment declined for order 42',
    attributes: {
      'http.status_code': 402,
      ratio: 0.25,
      retry: false,
      'order.id': 'o-42',
      tags: ['a', 'b'],
      nested: { k: 'v', n: 7 },
      raw: new Uint8Array([1, 2, 255]),
    },
    context,
  });
  logger.emit({ observedTimestamp: [1_700_000_002, 999_999_999], severityNumber: 9, body: { event: 'login', user: 'ana' } });
  return exporter.getFinishedLogRecords();
}

function decodeBoth(records: ReadableLogRecord[]): { protobuf: LogRow[]; json: LogRow[] } {
  const pb = Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!);
  const json = Buffer.from(JsonLogsSerializer.serializeRequest(records)!);
  return {
    protobuf: decodeLogs(pb, 'protobuf', DEFAULT_DECODE_LIMITS).rows.otel_logs!,
    json: decodeLogs(json, 'json', DEFAULT_DECODE_LIMITS).rows.otel_logs!,
  };
}

describe('decodeLogs with the OpenTelemetry JS SDK serialisers', () => {
  const records = sdkLogRecords();
  const { protobuf, json } = decodeBoth(records);

  it('maps a log record to an otel_logs row, to the nanosecond', () => {
    expect(protobuf).toHaveLength(2);
    const row = protobuf[0];
    expect(row).toMatchObject({
      Timestamp: '1700000000.123456789',
      TraceId: TRACE_ID,
      SpanId: SPAN_ID,
      TraceFlags: 1,
      SeverityText: 'ERROR',
      SeverityNumber: 17,
      ServiceName: 'checkout',
      Body: 'payment declined for order 42',
      ScopeName: 'checkout-logger',
      ScopeVersion: '2.3.4',
    });
    expect(row.ResourceAttributes).toMatchObject({ 'service.name': 'checkout', 'host.name': 'web-1', 'process.pid': '4242' });
  });

  it('stringifies attribute values like the Collector exporter', () => {
    expect(protobuf[0].LogAttributes).toEqual({
      'http.status_code': '402',
      ratio: '0.25',
      retry: 'false',
      'order.id': 'o-42',
      tags: '["a","b"]',
      nested: '{"k":"v","n":7}',
      raw: 'AQL/',
    });
  });

  it('keeps the SDK clock to the nanosecond, leaves absent ids empty and writes map bodies as JSON', () => {
    const row = protobuf[1];
    const [seconds, nanos] = records[1].hrTime;
    expect(row.Timestamp).toBe(`${seconds}.${String(nanos).padStart(9, '0')}`);
    expect(row.TraceId).toBe('');
    expect(row.SpanId).toBe('');
    expect(row.TraceFlags).toBe(0);
    expect(row.Body).toBe('{"event":"login","user":"ana"}');
  });

  it('decodes OTLP/JSON from the SDK to the same rows as protobuf', () => {
    expect(json).toEqual(protobuf);
  });
});

describe('decodeLogs fallbacks', () => {
  it('uses unknown_service without service.name and the receive time without timestamps', () => {
    const body = Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] }));
    const [row] = decodeLogs(body, 'json', DEFAULT_DECODE_LIMITS, 1_700_000_000_000_000_007n).rows.otel_logs!;
    expect(row.ServiceName).toBe('unknown_service');
    expect(row.Timestamp).toBe('1700000000.000000007');
    expect(row.ScopeName).toBe('');
    expect(row.ResourceAttributes).toEqual({});
  });

  it('returns no rows for an empty request', () => {
    expect(decodeLogs(Buffer.alloc(0), 'protobuf', DEFAULT_DECODE_LIMITS)).toEqual({ rows: {}, rejected: 0 });
    expect(decodeLogs(Buffer.from('{}'), 'json', DEFAULT_DECODE_LIMITS)).toEqual({ rows: {}, rejected: 0 });
  });

  it('rejects a severity number outside 0..24', () => {
    const body = Buffer.from(JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityNumber: 99 }] }] }] }));
    expect(() => decodeLogs(body, 'json', DEFAULT_DECODE_LIMITS)).toThrow(
      expect.objectContaining({ code: 'INGEST_INVALID_FIELD' }) as unknown as VigilError,
    );
  });
});
