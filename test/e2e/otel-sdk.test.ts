import { SeverityNumber } from '@opentelemetry/api-logs';
import { trace, context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * The real OpenTelemetry JS SDK exporters (OTLP/HTTP protobuf and JSON) send every
 * signal to a running embedded Vigil; rows must land with exact values.
 */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

// 2026-01-02T03:04:05.123456789Z as an HrTime, to check nanoseconds survive.
const T0_SEC = Math.floor(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
const T0: [number, number] = [T0_SEC, 123_456_789];
const T0_NS = `${T0_SEC}123456789`;

for (const variant of ['protobuf', 'json'] as const) {
  describe(`OTel SDK exporters over OTLP/HTTP ${variant}`, () => {
    const service = `checkout-${variant}`;
    const resource = resourceFromAttributes({ 'service.name': service, 'deployment.environment': 'test', 'host.cores': 2 });

    it('stores spans with ids, nanosecond times, attributes, events and status', async () => {
      const url = `${vigil.url}/v1/traces`;
      const exporter = variant === 'protobuf' ? new ProtoTraceExporter({ url }) : new JsonTraceExporter({ url });
      const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const tracer = provider.getTracer('e2e-tracer', '1.2.3');
      const parent = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, startTime: T0, attributes: { 'http.route': '/cart', 'http.status_code': 500 } });
      const child = tracer.startSpan('SELECT carts', { kind: SpanKind.CLIENT, startTime: [T0_SEC, 200_000_000] }, trace.setSpan(context.active(), parent));
      child.addEvent('retry', { attempt: 2 }, [T0_SEC, 300_000_001]);
      child.end([T0_SEC, 400_000_000]);
      parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      parent.end([T0_SEC + 1, 0]);
      await provider.forceFlush();
      await provider.shutdown();

      const traceId = parent.spanContext().traceId;
      const { spans } = await getJson<{ spans: any[] }>(`${vigil.url}/api/v1/traces/${traceId}`);
      expect(spans).toHaveLength(2);
      const [p, c] = spans;
      expect(p.spanId).toBe(parent.spanContext().spanId);
      expect(p.startUnixNano).toBe(T0_NS);
      expect(p.durationNs).toBe(String(1_000_000_000 - 123_456_789));
      expect(p.kind).toBe('Server');
      expect(p.statusCode).toBe('Error');
      expect(p.statusMessage).toBe('boom');
      expect(p.service).toBe(service);
      expect(p.attributes).toMatchObject({ 'http.route': '/cart', 'http.status_code': '500' });
      expect(p.resource).toMatchObject({ 'service.name': service, 'deployment.environment': 'test', 'host.cores': '2' });
      expect(p.scopeName).toBe('e2e-tracer');
      expect(c.parentSpanId).toBe(p.spanId);
      expect(c.kind).toBe('Client');
      expect(c.durationNs).toBe('200000000');
      expect(c.events).toHaveLength(1);
      expect(c.events[0].name).toBe('retry');
      expect(c.events[0].timeUnixNano).toBe(`${T0_SEC}300000001`);
    });

    it('stores log records with body, severity, trace context and attributes', async () => {
      const url = `${vigil.url}/v1/logs`;
      const exporter = variant === 'protobuf' ? new ProtoLogExporter({ url }) : new JsonLogExporter({ url });
      const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
      const logger = provider.getLogger('e2e-logger', '0.0.1');
      for (let i = 0; i < 5; i++) {
        logger.emit({
          timestamp: [T0_SEC, 123_456_789 + i],
          severityNumber: i === 4 ? SeverityNumber.ERROR : SeverityNumber.INFO,
          severityText: i === 4 ? 'ERROR' : 'INFO',
          body: `payment ${i} processed for order-${1000 + i}`,
          attributes: { 'order.id': 1000 + i, retry: i === 4 },
        });
      }
      await provider.forceFlush();
      await provider.shutdown();
      const rows = await vigil.store.query<any>(
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ns, SeverityText, SeverityNumber, Body, LogAttributes, ScopeName, ScopeVersion, ResourceAttributes
         FROM otel_logs WHERE ServiceName = {s:String} ORDER BY Timestamp`,
        { s: service },
      );
      expect(rows).toHaveLength(5);
      expect(rows[0].ns).toBe(T0_NS);
      expect(rows[4].ns).toBe(`${T0_SEC}123456793`);
      expect(rows[4]).toMatchObject({ SeverityText: 'ERROR', SeverityNumber: 17, Body: 'payment 4 processed for order-1004', ScopeName: 'e2e-logger', ScopeVersion: '0.0.1' });
      expect(rows[4].LogAttributes).toEqual({ 'order.id': '1004', retry: 'true' });
      expect(rows[0].ResourceAttributes['service.name']).toBe(service);
    });

    it('stores counters, up-down counters, gauges, histograms and exponential histograms', async () => {
      const url = `${vigil.url}/v1/metrics`;
      const exporter = variant === 'protobuf' ? new ProtoMetricExporter({ url }) : new JsonMetricExporter({ url });
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
      const provider = new MeterProvider({
        resource,
        readers: [reader],
        views: [{ instrumentName: 'rpc.latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
      });
      const meter = provider.getMeter('e2e-meter');
      meter.createCounter('orders.total').add(7, { region: 'eu' });
      meter.createUpDownCounter('queue.depth').add(-3);
      meter.createGauge('cpu.temp').record(61.5, { core: '0' });
      const hist = meter.createHistogram('rpc.latency', { advice: { explicitBucketBoundaries: [10, 100, 1000] } });
      for (const v of [5, 50, 500, 5000]) hist.record(v);
      const exp = meter.createHistogram('rpc.latency.exp');
      for (const v of [1, 2, 4, 8]) exp.record(v);
      // One export only: shutdown would export the cumulative points a second time.
      await reader.forceFlush();

      const sum = await vigil.store.query<any>(
        `SELECT MetricName, Value, IsMonotonic, AggregationTemporality, Attributes FROM otel_metrics_sum WHERE ServiceName = {s:String} ORDER BY MetricName`,
        { s: service },
      );
      expect(sum.map((r) => [r.MetricName, r.Value, r.IsMonotonic])).toEqual([
        ['orders.total', 7, true],
        ['queue.depth', -3, false],
      ]);
      expect(sum[0].AggregationTemporality).toBe(2);
      expect(sum[0].Attributes).toEqual({ region: 'eu' });
      const gauge = await vigil.store.query<any>(`SELECT MetricName, Value, Attributes FROM otel_metrics_gauge WHERE ServiceName = {s:String}`, { s: service });
      expect(gauge).toEqual([{ MetricName: 'cpu.temp', Value: 61.5, Attributes: { core: '0' } }]);
      const [h] = await vigil.store.query<any>(
        `SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max FROM otel_metrics_histogram WHERE ServiceName = {s:String}`,
        { s: service },
      );
      expect(h).toEqual({ Count: '4', Sum: 5555, BucketCounts: ['1', '1', '1', '1'], ExplicitBounds: [10, 100, 1000], Min: 5, Max: 5000 });
      const [e] = await vigil.store.query<any>(
        `SELECT Count, Sum, Scale, ZeroCount, PositiveBucketCounts, Min, Max FROM otel_metrics_exponential_histogram WHERE ServiceName = {s:String}`,
        { s: service },
      );
      expect(e.Count).toBe('4');
      expect(e.Sum).toBe(15);
      expect(e.PositiveBucketCounts.map(Number).reduce((a: number, b: number) => a + b, 0)).toBe(4);
      expect([e.Min, e.Max]).toEqual([1, 8]);
      await provider.shutdown();
    });
  });
}

describe('rollups', () => {
  it('counts logs per minute and span RED per minute from what was ingested', async () => {
    const logs = await vigil.store.query<any>(`SELECT ServiceName, sum(Count) AS n FROM logs_per_minute GROUP BY ServiceName ORDER BY ServiceName`);
    expect(logs).toEqual([
      { ServiceName: 'checkout-json', n: '5' },
      { ServiceName: 'checkout-protobuf', n: '5' },
    ]);
    const red = await vigil.store.query<any>(
      `SELECT ServiceName, SpanName, sum(Calls) AS calls, sum(Errors) AS errors FROM span_red_per_minute GROUP BY ServiceName, SpanName ORDER BY ServiceName, SpanName`,
    );
    expect(red).toContainEqual({ ServiceName: 'checkout-protobuf', SpanName: 'GET /cart', calls: '1', errors: '1' });
    const stats = await getJson(`${vigil.url}/api/v1/stats`);
    expect(stats).toMatchObject({ logs: 10, spans: 4 });
  });
});
