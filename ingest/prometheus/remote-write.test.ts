import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../api/errors.js';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../decode/limits.js';
import { decodeRemoteWrite } from './remote-write.js';

const WriteRequest = protobuf.loadSync(fileURLToPath(new URL('./remote.proto', import.meta.url))).lookupType('prometheus.WriteRequest');

type Labels = Record<string, string>;
interface Series {
  labels: Labels;
  samples: { value: number; timestamp: number }[];
  histograms?: unknown[];
}

/** A remote write body the way Prometheus sends it: a protobuf WriteRequest, snappy block-compressed. */
function body(series: Series[], metadata: Record<string, unknown>[] = []): Buffer {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })),
      samples: s.samples,
      histograms: s.histograms ?? [],
    })),
    metadata,
  });
  return Buffer.from(snappy.compress(WriteRequest.encode(message).finish()));
}

function codeOf(run: () => unknown): ErrorCode {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return (err as VigilError).code;
  }
  throw new Error('expected a VigilError');
}

const T = 1_700_000_000_123; // ms
const limits = DEFAULT_DECODE_LIMITS;

describe('decodeRemoteWrite', () => {
  it('maps a counter sample: name, job, instance, labels, ms → ns, metadata help and unit', () => {
    const batch = decodeRemoteWrite(
      body(
        [{ labels: { __name__: 'http_requests_total', job: 'api', instance: '10.0.0.1:9090', code: '200', empty: '' }, samples: [{ value: 42, timestamp: T }] }],
        [{ type: 'COUNTER', metricFamilyName: 'http_requests_total', help: 'Requests.', unit: 'requests' }],
      ),
      limits,
    );
    expect(batch.rows.otel_metrics_gauge).toBeUndefined();
    expect(batch.rows.otel_metrics_sum).toEqual([
      expect.objectContaining({
        MetricName: 'http_requests_total',
        MetricDescription: 'Requests.',
        MetricUnit: 'requests',
        ServiceName: 'api',
        ResourceAttributes: { 'service.name': 'api', 'service.instance.id': '10.0.0.1:9090' },
        Attributes: { code: '200' },
        TimeUnix: '1700000000.123000000',
        StartTimeUnix: '000000000.000000000',
        Value: 42,
        AggregationTemporality: 2,
        IsMonotonic: true,
        'Exemplars.Value': [],
      }),
    ]);
  });

  it('without metadata: _total is a monotonic sum, anything else a gauge', () => {
    const batch = decodeRemoteWrite(
      body([
        { labels: { __name__: 'jobs_done_total' }, samples: [{ value: 1, timestamp: T }, { value: 2, timestamp: T + 1000 }] },
        { labels: { __name__: 'temperature_celsius', job: 'sensors' }, samples: [{ value: 21.5, timestamp: T }] },
      ]),
      limits,
    );
    expect(batch.rows.otel_metrics_sum!.map((r) => [r.MetricName, r.Value, r.TimeUnix, r.ServiceName])).toEqual([
      ['jobs_done_total', 1, '1700000000.123000000', 'unknown_service'],
      ['jobs_done_total', 2, '1700000001.123000000', 'unknown_service'],
    ]);
    expect(batch.rows.otel_metrics_gauge!.map((r) => [r.MetricName, r.Value, r.ServiceName])).toEqual([['temperature_celsius', 21.5, 'sensors']]);
  });

  it('keeps classic histogram and summary series flat, with le / quantile in Attributes', () => {
    const batch = decodeRemoteWrite(
      body(
        [
          { labels: { __name__: 'rpc_seconds_bucket', le: '0.5' }, samples: [{ value: 3, timestamp: T }] },
          { labels: { __name__: 'rpc_seconds_sum' }, samples: [{ value: 1.2, timestamp: T }] },
          { labels: { __name__: 'rpc_seconds_count' }, samples: [{ value: 4, timestamp: T }] },
          { labels: { __name__: 'gc_seconds', quantile: '0.99' }, samples: [{ value: 0.02, timestamp: T }] },
          { labels: { __name__: 'gc_seconds_count' }, samples: [{ value: 9, timestamp: T }] },
          { labels: { __name__: 'queue_size' }, samples: [{ value: 5, timestamp: T }] },
        ],
        [
          { type: 'HISTOGRAM', metricFamilyName: 'rpc_seconds' },
          { type: 'SUMMARY', metricFamilyName: 'gc_seconds' },
          { type: 'GAUGE', metricFamilyName: 'queue_size' },
        ],
      ),
      limits,
    );
    expect(batch.rows.otel_metrics_sum!.map((r) => [r.MetricName, r.IsMonotonic, r.Attributes])).toEqual([
      ['rpc_seconds_bucket', true, { le: '0.5' }],
      ['rpc_seconds_sum', false, {}],
      ['rpc_seconds_count', true, {}],
      ['gc_seconds_count', true, {}],
    ]);
    expect(batch.rows.otel_metrics_gauge!.map((r) => [r.MetricName, r.Attributes])).toEqual([
      ['gc_seconds', { quantile: '0.99' }],
      ['queue_size', {}],
    ]);
  });

  it('drops stale markers but keeps ordinary NaN values', () => {
    const stale = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0];
    const batch = decodeRemoteWrite(
      body([{ labels: { __name__: 'up' }, samples: [{ value: 1, timestamp: T }, { value: stale, timestamp: T + 1 }, { value: NaN, timestamp: T + 2 }] }]),
      limits,
    );
    const values = batch.rows.otel_metrics_gauge!.map((r) => r.Value);
    expect(values).toHaveLength(2);
    expect(values[0]).toBe(1);
    expect(values[1]).toBeNaN();
  });

  it('counts native histogram samples as rejected', () => {
    const batch = decodeRemoteWrite(
      body([{ labels: { __name__: 'latency' }, samples: [], histograms: [{ countInt: 3, sum: 1, schema: 0, timestamp: T }] }]),
      limits,
    );
    expect(batch).toEqual({ rows: {}, rejected: 1, rejectedReason: 'native histogram samples are not supported' });
  });

  it('rejects invalid requests with the right code', () => {
    const small: DecodeLimits = { ...limits, maxAttributes: 2, maxStringBytes: 8, maxItemsPerRequest: 2 };
    const sample = [{ value: 1, timestamp: T }];
    expect(codeOf(() => decodeRemoteWrite(body([{ labels: { job: 'x' }, samples: sample }]), limits))).toBe('INGEST_MISSING_FIELD');
    expect(codeOf(() => decodeRemoteWrite(body([{ labels: { __name__: 'up', a: '1', b: '2' }, samples: sample }]), small))).toBe(
      'INGEST_TOO_MANY_ATTRIBUTES',
    );
    expect(codeOf(() => decodeRemoteWrite(body([{ labels: { __name__: 'up', a: 'x'.repeat(9) }, samples: sample }]), small))).toBe(
      'INGEST_STRING_TOO_LONG',
    );
    expect(codeOf(() => decodeRemoteWrite(body([{ labels: { __name__: 'up' }, samples: [...sample, ...sample, ...sample] }]), small))).toBe(
      'INGEST_TOO_MANY_ITEMS',
    );
    expect(codeOf(() => decodeRemoteWrite(body([{ labels: { __name__: 'up' }, samples: [{ value: 1, timestamp: -5 }] }]), limits))).toBe(
      'INGEST_INVALID_FIELD',
    );
    expect(codeOf(() => decodeRemoteWrite(Buffer.from(snappy.compress(Buffer.from([0x0a, 0x7f]))), limits))).toBe('INGEST_MALFORMED_PROTOBUF');
    expect(codeOf(() => decodeRemoteWrite(Buffer.from('not snappy'), limits))).toBe('INGEST_BAD_COMPRESSION');
    expect(codeOf(() => decodeRemoteWrite(body([{ labels: { __name__: 'up' }, samples: sample }]), { ...limits, maxBodyBytes: 4 }))).toBe(
      'INGEST_BODY_TOO_LARGE',
    );
  });
});
