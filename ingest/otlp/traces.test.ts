import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../decode/limits.js';
import type { SpanRow } from '../rows.js';
import { decodeTraces } from './traces.js';

const LINKED_TRACE = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN = 'b7ad6b7169203331';

function hrTimeText([seconds, nanos]: [number, number]): string {
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

/** Spans made by the real OpenTelemetry JS SDK: a server span with a client child, an event and a link. */
function sdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'frontend', 'deployment.environment': 'prod' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('frontend-tracer', '0.9.0');
  const server = tracer.startSpan('GET /cart', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_000, 1],
    attributes: { 'http.method': 'GET', 'http.status_code': 500 },
    links: [
      {
        context: { traceId: LINKED_TRACE, spanId: LINKED_SPAN, traceFlags: 1 },
        attributes: { reason: 'retry' },
      },
    ],
  });
  server.addEvent('cache miss', { key: 'cart:42' }, [1_700_000_000, 500_000_000]);
  const child = tracer.startSpan(
    'SELECT cart',
    { kind: SpanKind.CLIENT, startTime: [1_700_000_000, 100] },
    trace.setSpan(ROOT_CONTEXT, server),
  );
  child.end([1_700_000_000, 900]);
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'db down' });
  server.end([1_700_000_002, 0]);
  return exporter.getFinishedSpans();
}

describe('decodeTraces with the OpenTelemetry JS SDK serialisers', () => {
  const spans = sdkSpans();
  const pb = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const json = Buffer.from(JsonTraceSerializer.serializeRequest(spans)!);
  const rows = decodeTraces(pb, 'protobuf', DEFAULT_DECODE_LIMITS).rows.otel_traces!;
  const byName = (name: string): SpanRow => rows.find((r) => r.SpanName === name)!;

  it('maps spans to otel_traces rows with ids, kinds, timestamps and durations', () => {
    expect(rows).toHaveLength(2);
    const server = byName('GET /cart');
    const sdkServer = spans.find((s) => s.name === 'GET /cart')!;
    expect(server).toMatchObject({
      Timestamp: '1700000000.000000001',
      TraceId: sdkServer.spanContext().traceId,
      SpanId: sdkServer.spanContext().spanId,
      ParentSpanId: '',
      SpanKind: 'Server',
      ServiceName: 'frontend',
      ScopeName: 'frontend-tracer',
      ScopeVersion: '0.9.0',
      Duration: '1999999999',
      StatusCode: 'Error',
      StatusMessage: 'db down',
    });
    expect(server.SpanAttributes).toEqual({ 'http.method': 'GET', 'http.status_code': '500' });
    expect(server.ResourceAttributes).toMatchObject({ 'service.name': 'frontend', 'deployment.environment': 'prod' });

    const child = byName('SELECT cart');
    expect(child).toMatchObject({
      Timestamp: '1700000000.000000100',
      TraceId: server.TraceId,
      ParentSpanId: server.SpanId,
      SpanKind: 'Client',
      Duration: '800',
      StatusCode: 'Unset',
    });
  });

  it('keeps events and links as parallel arrays', () => {
    const server = byName('GET /cart');
    expect(server['Events.Timestamp']).toEqual(['1700000000.500000000']);
    expect(server['Events.Name']).toEqual(['cache miss']);
    expect(server['Events.Attributes']).toEqual([{ key: 'cart:42' }]);
    expect(server['Links.TraceId']).toEqual([LINKED_TRACE]);
    expect(server['Links.SpanId']).toEqual([LINKED_SPAN]);
    expect(server['Links.TraceState']).toEqual(['']);
    expect(server['Links.Attributes']).toEqual([{ reason: 'retry' }]);
  });

  it('reads the SDK start time to the nanosecond', () => {
    for (const span of spans) {
      expect(rows.find((r) => r.SpanId === span.spanContext().spanId)!.Timestamp).toBe(hrTimeText(span.startTime));
    }
  });

  it('decodes OTLP/JSON from the SDK to the same rows as protobuf', () => {
    expect(decodeTraces(json, 'json', DEFAULT_DECODE_LIMITS).rows.otel_traces).toEqual(rows);
  });
});
