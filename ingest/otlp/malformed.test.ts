import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../api/errors.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../decode/limits.js';
import { decodeLogs } from './logs.js';
import { decodeMetrics } from './metrics.js';
import type { OtlpFormat } from './request.js';
import { otlpTypes } from './schema.js';
import { decodeTraces } from './traces.js';

function errorOf(run: () => unknown): VigilError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error('expected a VigilError, nothing was thrown');
}

function expectError(run: () => unknown, code: ErrorCode, message?: string | RegExp): void {
  const err = errorOf(run);
  expect(err.code).toBe(code);
  if (message !== undefined) expect(err.message).toMatch(message);
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const logsJson = (records: unknown[], extra: Record<string, unknown> = {}) =>
  json({ resourceLogs: [{ ...extra, scopeLogs: [{ logRecords: records }] }] });
const logs = (body: Buffer, format: OtlpFormat = 'json', limits: DecodeLimits = DEFAULT_DECODE_LIMITS) =>
  decodeLogs(body, format, limits);
const encodeLogs = (value: Record<string, unknown>): Buffer =>
  Buffer.from(otlpTypes.logsRequest.encode(otlpTypes.logsRequest.fromObject(value)).finish());

describe('malformed protobuf', () => {
  const valid = encodeLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'hello world' } }] }] }] });

  it('rejects a truncated body', () => {
    expectError(() => logs(valid.subarray(0, valid.length - 3), 'protobuf'), 'INGEST_MALFORMED_PROTOBUF', /ExportLogsServiceRequest/);
  });

  it('rejects an invalid wire type', () => {
    expectError(() => logs(Buffer.from([0x0f, 0x00]), 'protobuf'), 'INGEST_MALFORMED_PROTOBUF', /wire type 7/);
  });

  it('rejects a length prefix beyond the body', () => {
    expectError(() => logs(Buffer.from([0x0a, 0x7f, 0x01]), 'protobuf'), 'INGEST_MALFORMED_PROTOBUF');
  });

  it('rejects strings that are not UTF-8', () => {
    // KeyValue.key = 0xff 0xfe inside a log record's attributes
    const body = encodeLogs({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [{ key: 'k', value: { stringValue: 'v' } }] }] }] }],
    });
    const at = body.indexOf(Buffer.from('k'));
    body[at] = 0xff;
    expectError(() => logs(body, 'protobuf'), 'INGEST_MALFORMED_PROTOBUF');
  });

  it('names the offending id with its path and sizes', () => {
    const record = (traceId?: Buffer) => ({ body: { stringValue: 'x' }, ...(traceId ? { traceId } : {}) });
    const body = encodeLogs({
      resourceLogs: [{ scopeLogs: [{ logRecords: [record()] }, { logRecords: [record(), record(), record(), record(Buffer.alloc(5, 1))] }] }],
    });
    expectError(
      () => logs(body, 'protobuf'),
      'INGEST_INVALID_FIELD',
      'resourceLogs[0].scopeLogs[1].logRecords[3].traceId: expected 16 bytes, got 5',
    );
  });

  it('rejects nesting deeper than the recursion limit', () => {
    const wrap = (field: number, bytes: Uint8Array) => protobuf.Writer.create().uint32((field << 3) | 2).bytes(bytes).finish();
    let anyValue = wrap(1, Buffer.from('leaf')); // AnyValue.string_value
    for (let i = 0; i < 150; i++) anyValue = wrap(5, wrap(1, anyValue)); // AnyValue.array_value.values[0]
    // request.resource_logs[0].scope_logs[0].log_records[0].body
    const body = Buffer.from(wrap(1, wrap(2, wrap(2, wrap(5, anyValue)))));
    expectError(() => logs(body, 'protobuf'), 'INGEST_MALFORMED_PROTOBUF', /depth/);
  });
});

describe('malformed OTLP/JSON', () => {
  it('rejects a syntax error', () => {
    expectError(() => logs(Buffer.from('{"resourceLogs": [')), 'INGEST_MALFORMED_JSON');
  });

  it.each([
    ['a top-level array', [], /expected a JSON object/],
    ['resourceLogs not an array', { resourceLogs: {} }, /^resourceLogs: expected an array/],
    ['a record that is a string', { resourceLogs: [{ scopeLogs: [{ logRecords: ['x'] }] }] }, /logRecords\[0\]: expected an object/],
    ['attributes not an array', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: 'x' }] }] }] }, /attributes: expected an array/],
    ['a number where a string belongs', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityText: 3 }] }] }] }, /severityText: expected a string/],
    ['a bool as a string', { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { boolValue: 'true' } }] }] }] }, /boolValue: expected true or false/],
  ])('rejects JSON of the wrong shape: %s', (_name, value, message) => {
    expectError(() => logs(json(value)), 'INGEST_MALFORMED_JSON', message);
  });

  it.each([
    ['a hex id with a non-hex digit', { traceId: 'zz'.repeat(16) }, /traceId: expected a hex string/],
    ['an odd-length hex id', { spanId: 'abc' }, /spanId: expected a hex string/],
    ['a hex id of the wrong size', { traceId: 'abcd' }, /logRecords\[0\]\.traceId: expected 16 bytes, got 2/],
    ['a base64 trace id', { traceId: 'W47/95gDgQPSabYzgT/GDA==' }, /traceId: expected a hex string/],
    ['an unknown enum name', { severityNumber: 'LOUD' }, /severityNumber: expected an enum value/],
    ['a non-integer int64', { timeUnixNano: '12a' }, /timeUnixNano: expected an integer/],
    ['a negative fixed64', { timeUnixNano: '-1' }, /out of the unsigned 64-bit range/],
    ['a fraction for an integer', { flags: 1.5 }, /flags: expected an integer/],
    ['bad base64 bytes', { body: { bytesValue: '***' } }, /bytesValue: expected base64/],
    ['a non-numeric double', { body: { doubleValue: 'x' } }, /doubleValue: expected a number/],
  ])('rejects %s as INGEST_INVALID_FIELD', (_name, record, message) => {
    expectError(() => logs(logsJson([record])), 'INGEST_INVALID_FIELD', message);
  });

  it('rejects nesting deeper than the recursion limit', () => {
    let value: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 150; i++) value = { arrayValue: { values: [value] } };
    expectError(() => logs(logsJson([{ body: value }])), 'INGEST_MALFORMED_JSON', /nested more than/);
  });
});

describe('limits', () => {
  const limits: DecodeLimits = { ...DEFAULT_DECODE_LIMITS, maxAttributes: 2, maxStringBytes: 8, maxBodyStringBytes: 16, maxItemsPerRequest: 3 };
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

  it('rejects too many attributes, naming the item', () => {
    const body = logsJson([{}, { attributes: [attr('a', '1'), attr('b', '2'), attr('c', '3')] }]);
    expectError(() => logs(body, 'json', limits), 'INGEST_TOO_MANY_ATTRIBUTES', /^resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[1\]\.attributes: 3 attributes/);
  });

  it('counts resource attributes too', () => {
    const body = logsJson([{}], { resource: { attributes: [attr('a', '1'), attr('b', '2'), attr('c', '3')] } });
    expectError(() => logs(body, 'json', limits), 'INGEST_TOO_MANY_ATTRIBUTES', /resourceLogs\[0\]\.resource\.attributes/);
  });

  it('rejects a long attribute value or key in UTF-8 bytes', () => {
    expectError(() => logs(logsJson([{ attributes: [attr('k', 'ééééé')] }]), 'json', limits), 'INGEST_STRING_TOO_LONG', /attributes\[0\]\.value: 10 bytes exceeds limits\.maxStringBytes \(8\)/);
    expectError(() => logs(logsJson([{ attributes: [attr('a-very-long-key', 'v')] }]), 'json', limits), 'INGEST_STRING_TOO_LONG', /attributes\[0\]\.key/);
  });

  it('lets log bodies be longer than attributes, up to maxBodyStringBytes', () => {
    expect(logs(logsJson([{ body: { stringValue: 'x'.repeat(16) } }]), 'json', limits).rows.otel_logs).toHaveLength(1);
    expectError(() => logs(logsJson([{ body: { stringValue: 'x'.repeat(17) } }]), 'json', limits), 'INGEST_STRING_TOO_LONG', /body: 17 bytes exceeds limits\.maxBodyStringBytes/);
  });

  it('rejects a huge string in protobuf', () => {
    const body = encodeLogs({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ severityText: 'x'.repeat(1 << 20) }] }] }] });
    expectError(() => logs(body, 'protobuf'), 'INGEST_STRING_TOO_LONG', /severityText/);
  });

  it('rejects too many items across scopes', () => {
    const body = json({ resourceLogs: [{ scopeLogs: [{ logRecords: [{}, {}] }, { logRecords: [{}, {}] }] }] });
    expectError(() => logs(body, 'json', limits), 'INGEST_TOO_MANY_ITEMS', /4 log records/);
    const spans = json({ resourceSpans: [{ scopeSpans: [{ spans: [{}, {}, {}, {}] }] }] });
    expectError(() => decodeTraces(spans, 'json', limits), 'INGEST_TOO_MANY_ITEMS', /4 spans/);
    const metrics = json({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{}, {}, {}, {}] } }] }] }] });
    expectError(() => decodeMetrics(metrics, 'json', limits), 'INGEST_TOO_MANY_ITEMS', /4 metric data points/);
  });
});

describe('invalid spans and metrics', () => {
  const span = (over: Record<string, unknown>) =>
    json({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', startTimeUnixNano: 10, endTimeUnixNano: 20, ...over }] }] },
      ],
    });

  it.each([
    ['a span without a trace id', { traceId: '' }, 'INGEST_MISSING_FIELD', /spans\[0\]\.traceId: required/],
    ['a span without a span id', { spanId: undefined }, 'INGEST_MISSING_FIELD', /spans\[0\]\.spanId: required/],
    ['an all-zero trace id', { traceId: '0'.repeat(32) }, 'INGEST_INVALID_FIELD', /all zeroes/],
    ['a parent span id of the wrong size', { parentSpanId: 'abcd' }, 'INGEST_INVALID_FIELD', /parentSpanId: expected 8 bytes, got 2/],
    ['an end before the start', { endTimeUnixNano: 5 }, 'INGEST_INVALID_FIELD', /endTimeUnixNano: before startTimeUnixNano/],
    ['an unknown span kind', { kind: 9 }, 'INGEST_INVALID_FIELD', /kind: unknown value 9/],
    ['an unknown status code', { status: { code: 7 } }, 'INGEST_INVALID_FIELD', /status\.code: unknown value 7/],
    ['a link without a span id', { links: [{ traceId: '0af7651916cd43dd8448eb211c80319c' }] }, 'INGEST_MISSING_FIELD', /links\[0\]\.spanId/],
  ])('rejects %s', (_name, over, code, message) => {
    expectError(() => decodeTraces(span(over), 'json', DEFAULT_DECODE_LIMITS), code as ErrorCode, message);
  });

  it('rejects a metric without a name and an unknown temporality', () => {
    const metrics = (metric: unknown) => json({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });
    expectError(() => decodeMetrics(metrics({ gauge: { dataPoints: [{ asDouble: 1 }] } }), 'json', DEFAULT_DECODE_LIMITS), 'INGEST_MISSING_FIELD', /metrics\[0\]\.name/);
    expectError(
      () => decodeMetrics(metrics({ name: 'x', sum: { aggregationTemporality: 9, dataPoints: [{ asDouble: 1 }] } }), 'json', DEFAULT_DECODE_LIMITS),
      'INGEST_INVALID_FIELD',
      /sum\.aggregationTemporality: unknown value 9/,
    );
  });
});

/** A small deterministic PRNG (mulberry32) so a failing mutation can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function sdkBodies(): Promise<Record<'logs' | 'traces' | 'metrics', Buffer>> {
  const resource = resourceFromAttributes({ 'service.name': 'fuzz', n: 1 });
  const logExporter = new InMemoryLogRecordExporter();
  const logger = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] }).getLogger('l');
  for (let i = 0; i < 3; i++) logger.emit({ body: { msg: `m${i}`, list: [1, 'a', true] }, attributes: { i, d: 0.5 } });
  const spanExporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(spanExporter)] }).getTracer('t');
  const span = tracer.startSpan('s', { attributes: { a: 'b' } });
  span.addEvent('e');
  span.end();
  class Reader extends MetricReader {
    protected override async onShutdown(): Promise<void> {}
    protected override async onForceFlush(): Promise<void> {}
  }
  const reader = new Reader();
  const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('m');
  meter.createCounter('c').add(1, { k: 'v' });
  meter.createHistogram('h').record(3);
  const { resourceMetrics } = await reader.collect();
  return {
    logs: Buffer.from(ProtobufLogsSerializer.serializeRequest(logExporter.getFinishedLogRecords())!),
    traces: Buffer.from(ProtobufTraceSerializer.serializeRequest(spanExporter.getFinishedSpans())!),
    metrics: Buffer.from(ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!),
  };
}

describe('mutated SDK bodies', () => {
  it('never throw anything but a client-facing VigilError', async () => {
    const bodies = await sdkBodies();
    const decoders = { logs: decodeLogs, traces: decodeTraces, metrics: decodeMetrics };
    const next = random(20240601);
    for (const signal of ['logs', 'traces', 'metrics'] as const) {
      const original = bodies[signal];
      for (let round = 0; round < 1500; round++) {
        const body = Buffer.from(original);
        const flips = 1 + Math.floor(next() * 4);
        for (let f = 0; f < flips; f++) body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
        const cut = next() < 0.2 ? Math.floor(next() * body.length) : body.length;
        try {
          decoders[signal](body.subarray(0, cut), 'protobuf', DEFAULT_DECODE_LIMITS);
        } catch (err) {
          expect(err, `${signal} round ${round}`).toBeInstanceOf(VigilError);
          expect((err as VigilError).status, `${signal} round ${round}: ${(err as Error).message}`).toBe(400);
        }
      }
    }
  });
});
