import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType,
  MeterProvider,
  MetricReader,
  type ExponentialHistogram,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../decode/limits.js';
import type { DecodedBatch } from '../rows.js';
import { decodeMetrics } from './metrics.js';

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Metrics recorded with the real OpenTelemetry JS SDK, collected once. */
async function sdkMetrics(): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'inventory' }),
    readers: [reader],
    views: [
      { instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM, options: { maxSize: 20 } } },
      { instrumentName: 'latency', aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [10, 100] } } },
    ],
  });
  const meter = provider.getMeter('inventory-meter', '1.1.0');
  meter.createCounter('requests', { description: 'Requests served', unit: '{request}' }).add(5, { route: '/items' });
  meter.createUpDownCounter('queue.depth').add(-3);
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'a' });
  meter.createObservableGauge('memory.used').addCallback((result) => result.observe(1024, { pool: 'heap' }));
  const latency = meter.createHistogram('latency', { unit: 'ms' });
  for (const v of [5, 50, 500, 7]) latency.record(v);
  const exp = meter.createHistogram('latency.exp', { unit: 'ms' });
  for (const v of [1, 2, 4, 1000]) exp.record(v);
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics;
}

function hrTimeText([seconds, nanos]: [number, number]): string {
  return `${seconds}.${String(nanos).padStart(9, '0')}`;
}

describe('decodeMetrics with the OpenTelemetry JS SDK serialisers', () => {
  let collected: ResourceMetrics;
  let batch: DecodedBatch;
  let jsonBatch: DecodedBatch;

  beforeAll(async () => {
    collected = await sdkMetrics();
    const pb = Buffer.from(ProtobufMetricsSerializer.serializeRequest(collected)!);
    batch = decodeMetrics(pb, 'protobuf', DEFAULT_DECODE_LIMITS);
    jsonBatch = decodeMetrics(Buffer.from(JsonMetricsSerializer.serializeRequest(collected)!), 'json', DEFAULT_DECODE_LIMITS);
  });

  const sdkPoint = (name: string) => collected.scopeMetrics[0].metrics.find((m) => m.descriptor.name === name)!.dataPoints[0];

  it('maps a counter to a cumulative monotonic sum row', () => {
    const [row] = batch.rows.otel_metrics_sum!.filter((r) => r.MetricName === 'requests');
    expect(row).toMatchObject({
      ServiceName: 'inventory',
      ScopeName: 'inventory-meter',
      ScopeVersion: '1.1.0',
      MetricDescription: 'Requests served',
      MetricUnit: '{request}',
      Attributes: { route: '/items' },
      Value: 5,
      AggregationTemporality: 2,
      IsMonotonic: true,
      Flags: 0,
    });
    const point = sdkPoint('requests');
    expect(row.StartTimeUnix).toBe(hrTimeText(point.startTime));
    expect(row.TimeUnix).toBe(hrTimeText(point.endTime));
    expect(row['Exemplars.TraceId']).toEqual([]);
  });

  it('maps an up-down counter to a non-monotonic sum and gauges to gauge rows', () => {
    const [depth] = batch.rows.otel_metrics_sum!.filter((r) => r.MetricName === 'queue.depth');
    expect(depth).toMatchObject({ Value: -3, IsMonotonic: false, AggregationTemporality: 2 });
    const gauges = batch.rows.otel_metrics_gauge!;
    expect(gauges.find((r) => r.MetricName === 'temperature')).toMatchObject({ Value: 21.5, MetricUnit: 'Cel', Attributes: { room: 'a' } });
    expect(gauges.find((r) => r.MetricName === 'memory.used')).toMatchObject({ Value: 1024, Attributes: { pool: 'heap' } });
  });

  it('keeps explicit-bucket histograms: count, sum, bounds, bucket counts, min and max', () => {
    const [row] = batch.rows.otel_metrics_histogram!;
    expect(row).toMatchObject({
      MetricName: 'latency',
      Count: '4',
      Sum: 562,
      ExplicitBounds: [10, 100],
      BucketCounts: ['2', '1', '1'],
      Min: 5,
      Max: 500,
      AggregationTemporality: 2,
    });
  });

  it('keeps exponential histograms: scale, zero count, offsets and bucket counts as the SDK computed them', () => {
    const [row] = batch.rows.otel_metrics_exponential_histogram!;
    const point = sdkPoint('latency.exp');
    const value = point.value as ExponentialHistogram;
    expect(row).toMatchObject({
      MetricName: 'latency.exp',
      Count: String(value.count),
      Sum: value.sum,
      Scale: value.scale,
      ZeroCount: String(value.zeroCount),
      PositiveOffset: value.positive.offset,
      PositiveBucketCounts: value.positive.bucketCounts.map(String),
      NegativeOffset: value.negative.offset,
      NegativeBucketCounts: value.negative.bucketCounts.map(String),
      Min: 1,
      Max: 1000,
    });
    expect(row.PositiveBucketCounts.length).toBeGreaterThan(1);
  });

  it('decodes OTLP/JSON from the SDK to the same rows as protobuf', () => {
    expect(jsonBatch).toEqual(batch);
    expect(batch.rejected).toBe(0);
  });
});
