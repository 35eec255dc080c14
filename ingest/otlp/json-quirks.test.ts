import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS } from '../decode/limits.js';
import { decodeLogs } from './logs.js';
import { decodeMetrics } from './metrics.js';
import { decodeTraces } from './traces.js';

/** Hand-written OTLP/JSON exercising every quirk of https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding. */
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const limits = DEFAULT_DECODE_LIMITS;

describe('OTLP/JSON logs quirks', () => {
  const body = Buffer.from(`{
    "resource_logs": [{
      "resource": { "attributes": [{ "key": "service.name", "value": { "stringValue": "billing" } }], "droppedAttributesCount": 0 },
      "schemaUrl": "https://opentelemetry.io/schemas/1.26.0",
      "unknownTopLevel": { "ignored": true },
      "scope_logs": [{
        "scope": { "name": "billing-lib", "version": "3" },
        "log_records": [{
          "time_unix_nano": "1700000000123456789",
          "severityNumber": "SEVERITY_NUMBER_WARN",
          "severityText": "WARN",
          "traceId": "5B8EFFF798038103D269B633813FC60C",
          "spanId": "eee19b7ec3c1b174",
          "flags": 257,
          "body": { "stringValue": "slow charge" },
          "attributes": [
            { "key": "big", "value": { "intValue": "9007199254740993" } },
            { "key": "small", "value": { "intValue": -42 } },
            { "key": "nan", "value": { "doubleValue": "NaN" } },
            { "key": "inf", "value": { "doubleValue": "-Infinity" } },
            { "key": "bytes", "value": { "bytesValue": "3q2+7w==" } },
            { "key": "list", "value": { "arrayValue": { "values": [{ "intValue": "9007199254740993" }, { "boolValue": true }, {}, { "bytesValue": "AQ==" }] } } },
            { "key": "map", "value": { "kvlistValue": { "values": [{ "key": "a\\"b", "value": { "doubleValue": 1.5 } }] } } },
            { "key": "empty", "value": {} },
            { "key": "null", "value": null },
            { "key": "falsy", "value": { "boolValue": false } },
            { "key": "zero", "value": { "intValue": 0 } }
          ],
          "someFutureField": 1
        }, {
          "observedTimeUnixNano": 1700000000000000000,
          "severityNumber": 9
        }]
      }]
    }]
  }`);
  const rows = decodeLogs(body, 'json', limits).rows.otel_logs!;

  it('accepts snake_case keys, int64 as string or number, enum names and uppercase hex ids', () => {
    expect(rows[0]).toMatchObject({
      Timestamp: '1700000000.123456789',
      SeverityNumber: 13,
      TraceId: '5b8efff798038103d269b633813fc60c',
      SpanId: 'eee19b7ec3c1b174',
      TraceFlags: 1,
      ServiceName: 'billing',
      ResourceSchemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      ScopeName: 'billing-lib',
      ScopeVersion: '3',
    });
    expect(rows[1].Timestamp).toBe('1700000000.000000000');
  });

  it('stringifies every AnyValue kind without losing int64 digits', () => {
    expect(rows[0].LogAttributes).toEqual({
      big: '9007199254740993',
      small: '-42',
      nan: 'NaN',
      inf: '-Infinity',
      bytes: '3q2+7w==',
      list: '[9007199254740993,true,null,"AQ=="]',
      map: '{"a\\"b":1.5}',
      empty: '',
      null: '',
      falsy: 'false',
      zero: '0',
    });
  });
});

describe('OTLP/JSON trace quirks', () => {
  const span = (over: Record<string, unknown>) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'op',
    startTimeUnixNano: '1700000000000000000',
    // A JSON number above 2^53 is only as exact as a double (here exact: a multiple of 256).
    endTimeUnixNano: 1700000000000001024,
    ...over,
  });
  const body = json({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              span({ kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_OK' } }),
              span({ spanId: '00f067aa0ba902b7', kind: 4, status: { code: 2, message: 'boom' }, parentSpanId: '' }),
              span({ spanId: '00f067aa0ba902b8', traceState: 'vendor=1', events: [{ timeUnixNano: 5, name: 'e' }] }),
            ],
          },
        ],
      },
    ],
  });
  const rows = decodeTraces(body, 'json', limits).rows.otel_traces!;

  it('accepts enums as names or integers and int64 times as strings or numbers', () => {
    expect(rows.map((r) => [r.SpanKind, r.StatusCode, r.StatusMessage])).toEqual([
      ['Consumer', 'Ok', ''],
      ['Producer', 'Error', 'boom'],
      ['Unspecified', 'Unset', ''],
    ]);
    expect(rows[0]).toMatchObject({ Timestamp: '1700000000.000000000', Duration: '1024', ServiceName: 'unknown_service', ParentSpanId: '' });
    expect(rows[2]).toMatchObject({ TraceState: 'vendor=1', 'Events.Timestamp': ['000000000.000000005'], 'Events.Name': ['e'] });
  });
});

describe('OTLP/JSON metrics quirks and partial success', () => {
  const point = { timeUnixNano: '1700000000000000001', startTimeUnixNano: 1700000000000000000 };
  const exemplar = {
    timeUnixNano: '1700000000000000002',
    asInt: '7',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    filteredAttributes: [{ key: 'user', value: { stringValue: 'ana' } }],
  };
  const body = json({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
        scopeMetrics: [
          {
            scope: { name: 'm', droppedAttributesCount: 2 },
            metrics: [
              { name: 'g', gauge: { dataPoints: [{ ...point, asInt: '9007199254740993', exemplars: [exemplar] }] } },
              {
                name: 's',
                sum: {
                  aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                  isMonotonic: true,
                  dataPoints: [{ ...point, asDouble: '1.5' }, { ...point }, { ...point, flags: 1 }],
                },
              },
              {
                name: 'h',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    { ...point, count: '3', sum: 6, bucketCounts: ['1', 2], explicitBounds: [2.5], min: 1, max: 3 },
                    { ...point, count: 1, bucketCounts: [1, 0, 0], explicitBounds: [1] },
                  ],
                },
              },
              {
                name: 'e',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...point,
                      count: '6',
                      scale: -1,
                      zeroCount: '1',
                      positive: { offset: 2, bucketCounts: ['1', '2'] },
                      negative: { offset: -3, bucketCounts: [2] },
                    },
                  ],
                },
              },
              {
                name: 'q',
                summary: { dataPoints: [{ ...point, count: '10', sum: 55, quantileValues: [{ quantile: 0.5, value: 5 }, { quantile: 1, value: 10 }] }] },
              },
              { name: 'nodata', description: 'a metric of a type from the future' },
            ],
          },
        ],
      },
    ],
  });
  const batch = decodeMetrics(body, 'json', limits);

  it('maps every metric type, with exemplars as hex', () => {
    expect(batch.rows.otel_metrics_gauge).toEqual([
      expect.objectContaining({
        MetricName: 'g',
        Value: 9007199254740992,
        ServiceName: 'api',
        ScopeDroppedAttrCount: 2,
        StartTimeUnix: '1700000000.000000000',
        TimeUnix: '1700000000.000000001',
        'Exemplars.TraceId': ['0af7651916cd43dd8448eb211c80319c'],
        'Exemplars.SpanId': ['b7ad6b7169203331'],
        'Exemplars.Value': [7],
        'Exemplars.TimeUnix': ['1700000000.000000002'],
        'Exemplars.FilteredAttributes': [{ user: 'ana' }],
      }),
    ]);
    expect(batch.rows.otel_metrics_sum!.map((r) => [r.Value, r.AggregationTemporality, r.IsMonotonic, r.Flags])).toEqual([
      [1.5, 1, true, 0],
      [0, 1, true, 1],
    ]);
    expect(batch.rows.otel_metrics_histogram).toEqual([
      expect.objectContaining({ Count: '3', Sum: 6, BucketCounts: ['1', '2'], ExplicitBounds: [2.5], Min: 1, Max: 3, AggregationTemporality: 1 }),
    ]);
    expect(batch.rows.otel_metrics_exponential_histogram).toEqual([
      expect.objectContaining({
        Count: '6',
        Scale: -1,
        ZeroCount: '1',
        PositiveOffset: 2,
        PositiveBucketCounts: ['1', '2'],
        NegativeOffset: -3,
        NegativeBucketCounts: ['2'],
        Sum: 0,
      }),
    ]);
    expect(batch.rows.otel_metrics_summary).toEqual([
      expect.objectContaining({
        Count: '10',
        Sum: 55,
        'ValueAtQuantiles.Quantile': [0.5, 1],
        'ValueAtQuantiles.Value': [5, 10],
      }),
    ]);
  });

  it('drops what the store cannot use and counts it for partial success', () => {
    // A number point without a value, a histogram with 3 buckets for 1 bound, a metric without data.
    expect(batch.rejected).toBe(3);
    expect(batch.rejectedReason).toBe('resourceMetrics[0].scopeMetrics[0].metrics[1].sum.dataPoints[1] (s) has no value');
  });
});
