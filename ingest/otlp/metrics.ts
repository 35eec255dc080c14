import { VigilError } from '../../api/errors.js';
import { checkItemCount, type DecodeLimits } from '../decode/limits.js';
import type {
  Attributes,
  DecodedBatch,
  ExpHistogramRow,
  Exemplars,
  GaugeRow,
  HistogramRow,
  MetricBase,
  NanoTime,
  SumRow,
  SummaryRow,
  TableRows,
} from '../rows.js';
import { FieldPath } from './field-path.js';
import type {
  Exemplar,
  ExponentialBuckets,
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  Int64,
  KeyValue,
  Metric,
  NumberDataPoint,
} from './messages.js';
import { decodeRequest, onlyVigilErrors, readResource, readScope, type OtlpFormat, type ScopeColumns } from './request.js';
import { otlpTypes } from './schema.js';
import { attributesToMap, checkString, idToHex, int64ToDecimal, int64ToNanoTime, int64ToNumber } from './values.js';

/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks a gap (e.g. a series went stale) and carries no value. */
const NO_RECORDED_VALUE = 1;

type MetricTables = Pick<
  TableRows,
  'otel_metrics_gauge' | 'otel_metrics_sum' | 'otel_metrics_histogram' | 'otel_metrics_exponential_histogram' | 'otel_metrics_summary'
>;

/**
 * OTLP ExportMetricsServiceRequest → rows for the five `otel_metrics_*` tables,
 * one row per data point. Structural errors (bad ids, unknown temporality,
 * missing metric name, limits) reject the whole request. Data points the store
 * cannot use are dropped and counted in `rejected` (OTLP partial success): a
 * metric with no data (or of a type this version does not know), a number point
 * with no value (unless flagged "no recorded value", which is kept with Value 0
 * and its Flags, as the Collector's exporter does), a histogram whose bucket
 * counts do not match its bounds.
 */
export function decodeMetrics(body: Buffer, format: OtlpFormat, limits: DecodeLimits): DecodedBatch {
  return onlyVigilErrors(() => {
    const request = decodeRequest<ExportMetricsServiceRequest>(otlpTypes.metricsRequest, body, format);
    return new MetricRowBuilder(limits).build(request);
  });
}

class MetricRowBuilder {
  private readonly path = new FieldPath();
  private readonly tables: MetricTables = {
    otel_metrics_gauge: [],
    otel_metrics_sum: [],
    otel_metrics_histogram: [],
    otel_metrics_exponential_histogram: [],
    otel_metrics_summary: [],
  };
  private rejected = 0;
  private rejectedReason: string | undefined;

  constructor(private readonly limits: DecodeLimits) {}

  build(request: ExportMetricsServiceRequest): DecodedBatch {
    checkItemCount(countDataPoints(request), 'metric data points', this.limits);
    const path = this.path;
    path.enter('resourceMetrics');
    for (let i = 0; i < request.resourceMetrics.length; i++) {
      path.at(i);
      const resourceMetrics = request.resourceMetrics[i];
      const resource = readResource(resourceMetrics.resource, resourceMetrics.schemaUrl, this.limits, path);
      path.enter('scopeMetrics');
      for (let j = 0; j < resourceMetrics.scopeMetrics.length; j++) {
        path.at(j);
        const scopeMetrics = resourceMetrics.scopeMetrics[j];
        const scope = readScope(resource, scopeMetrics.scope, scopeMetrics.schemaUrl, this.limits, path);
        path.enter('metrics');
        for (let k = 0; k < scopeMetrics.metrics.length; k++) {
          path.at(k);
          this.metric(scopeMetrics.metrics[k], scope);
        }
        path.leave();
      }
      path.leave();
    }
    path.leave();

    const rows: DecodedBatch['rows'] = {};
    for (const [table, list] of Object.entries(this.tables) as [keyof MetricTables, unknown[]][]) {
      if (list.length > 0) (rows as Record<string, unknown[]>)[table] = list;
    }
    const batch: DecodedBatch = { rows, rejected: this.rejected };
    if (this.rejectedReason !== undefined) batch.rejectedReason = this.rejectedReason;
    return batch;
  }

  private metric(metric: Metric, scope: ScopeColumns): void {
    const { path, limits } = this;
    if (metric.name === '') throw new VigilError('INGEST_MISSING_FIELD', `${path.describe('name')}: required, got ''`);
    const max = limits.maxStringBytes;
    checkString(metric.name, max, path, 'name');
    checkString(metric.description, max, path, 'description');
    checkString(metric.unit, max, path, 'unit');

    if (metric.gauge !== null) {
      path.enter('gauge');
      this.numberPoints(metric, scope, metric.gauge.dataPoints, (base, value, p) => {
        this.tables.otel_metrics_gauge.push({ ...base, ...this.exemplars(p.exemplars), Value: value });
      });
    } else if (metric.sum !== null) {
      const sum = metric.sum;
      path.enter('sum');
      const temporality = this.temporality(sum.aggregationTemporality);
      this.numberPoints(metric, scope, sum.dataPoints, (base, value, p) => {
        this.tables.otel_metrics_sum.push({
          ...base,
          ...this.exemplars(p.exemplars),
          Value: value,
          AggregationTemporality: temporality,
          IsMonotonic: sum.isMonotonic,
        });
      });
    } else if (metric.histogram !== null) {
      path.enter('histogram');
      this.histogram(metric, scope);
    } else if (metric.exponentialHistogram !== null) {
      path.enter('exponentialHistogram');
      this.exponentialHistogram(metric, scope);
    } else if (metric.summary !== null) {
      path.enter('summary');
      this.summary(metric, scope);
    } else {
      this.reject(1, `${path.describe()} (${metric.name}) has no data of a known type`);
      return;
    }
    path.leave();
  }

  private numberPoints(
    metric: Metric,
    scope: ScopeColumns,
    points: NumberDataPoint[],
    emit: (base: MetricBase, value: number, point: NumberDataPoint) => void,
  ): void {
    const path = this.path;
    path.enter('dataPoints');
    for (let i = 0; i < points.length; i++) {
      path.at(i);
      const p = points[i];
      let value: number;
      if (Object.hasOwn(p, 'asDouble')) value = p.asDouble;
      else if (Object.hasOwn(p, 'asInt')) value = int64ToNumber(p.asInt);
      else if ((p.flags & NO_RECORDED_VALUE) !== 0) value = 0;
      else {
        this.reject(1, `${path.describe()} (${metric.name}) has no value`);
        continue;
      }
      emit(this.base(metric, scope, p.attributes, p.startTimeUnixNano, p.timeUnixNano, p.flags), value, p);
    }
    path.leave();
  }

  private histogram(metric: Metric, scope: ScopeColumns): void {
    const histogram = metric.histogram!;
    const path = this.path;
    const temporality = this.temporality(histogram.aggregationTemporality);
    path.enter('dataPoints');
    for (let i = 0; i < histogram.dataPoints.length; i++) {
      path.at(i);
      const p: HistogramDataPoint = histogram.dataPoints[i];
      // OTLP: bucket_counts is empty or has exactly one more entry than explicit_bounds.
      if (p.bucketCounts.length !== 0 && p.bucketCounts.length !== p.explicitBounds.length + 1) {
        this.reject(
          1,
          `${path.describe()} (${metric.name}) has ${p.bucketCounts.length} bucket counts for ${p.explicitBounds.length} bounds`,
        );
        continue;
      }
      const row: HistogramRow = {
        ...this.base(metric, scope, p.attributes, p.startTimeUnixNano, p.timeUnixNano, p.flags),
        ...this.exemplars(p.exemplars),
        Count: int64ToDecimal(p.count),
        Sum: p.sum ?? 0,
        BucketCounts: p.bucketCounts.map(int64ToDecimal),
        ExplicitBounds: p.explicitBounds,
        Min: p.min ?? 0,
        Max: p.max ?? 0,
        AggregationTemporality: temporality,
      };
      this.tables.otel_metrics_histogram.push(row);
    }
    path.leave();
  }

  private exponentialHistogram(metric: Metric, scope: ScopeColumns): void {
    const histogram = metric.exponentialHistogram!;
    const path = this.path;
    const temporality = this.temporality(histogram.aggregationTemporality);
    path.enter('dataPoints');
    for (let i = 0; i < histogram.dataPoints.length; i++) {
      path.at(i);
      const p = histogram.dataPoints[i];
      const row: ExpHistogramRow = {
        ...this.base(metric, scope, p.attributes, p.startTimeUnixNano, p.timeUnixNano, p.flags),
        ...this.exemplars(p.exemplars),
        Count: int64ToDecimal(p.count),
        Sum: p.sum ?? 0,
        Scale: p.scale,
        ZeroCount: int64ToDecimal(p.zeroCount),
        PositiveOffset: p.positive?.offset ?? 0,
        PositiveBucketCounts: bucketCounts(p.positive),
        NegativeOffset: p.negative?.offset ?? 0,
        NegativeBucketCounts: bucketCounts(p.negative),
        Min: p.min ?? 0,
        Max: p.max ?? 0,
        AggregationTemporality: temporality,
      };
      this.tables.otel_metrics_exponential_histogram.push(row);
    }
    path.leave();
  }

  private summary(metric: Metric, scope: ScopeColumns): void {
    const path = this.path;
    path.enter('dataPoints');
    const points = metric.summary!.dataPoints;
    for (let i = 0; i < points.length; i++) {
      path.at(i);
      const p = points[i];
      const row: SummaryRow = {
        ...this.base(metric, scope, p.attributes, p.startTimeUnixNano, p.timeUnixNano, p.flags),
        Count: int64ToDecimal(p.count),
        Sum: p.sum,
        'ValueAtQuantiles.Quantile': p.quantileValues.map((q) => q.quantile),
        'ValueAtQuantiles.Value': p.quantileValues.map((q) => q.value),
      };
      this.tables.otel_metrics_summary.push(row);
    }
    path.leave();
  }

  private base(
    metric: Metric,
    scope: ScopeColumns,
    attributes: KeyValue[],
    start: Int64,
    time: Int64,
    flags: number,
  ): MetricBase {
    return {
      ResourceAttributes: scope.ResourceAttributes,
      ResourceSchemaUrl: scope.ResourceSchemaUrl,
      ScopeName: scope.ScopeName,
      ScopeVersion: scope.ScopeVersion,
      ScopeAttributes: scope.ScopeAttributes,
      ScopeDroppedAttrCount: scope.ScopeDroppedAttrCount,
      ScopeSchemaUrl: scope.ScopeSchemaUrl,
      ServiceName: scope.ServiceName,
      MetricName: metric.name,
      MetricDescription: metric.description,
      MetricUnit: metric.unit,
      Attributes: attributesToMap(attributes, this.limits, this.path, 'attributes'),
      StartTimeUnix: int64ToNanoTime(start),
      TimeUnix: int64ToNanoTime(time),
      Flags: flags,
    };
  }

  private exemplars(list: Exemplar[]): Exemplars {
    const attributes: Attributes[] = [];
    const times: NanoTime[] = [];
    const values: number[] = [];
    const spanIds: string[] = [];
    const traceIds: string[] = [];
    const path = this.path;
    path.enter('exemplars');
    for (let i = 0; i < list.length; i++) {
      path.at(i);
      const e = list[i];
      attributes.push(attributesToMap(e.filteredAttributes, this.limits, path, 'filteredAttributes'));
      times.push(int64ToNanoTime(e.timeUnixNano));
      values.push(Object.hasOwn(e, 'asInt') ? int64ToNumber(e.asInt) : e.asDouble);
      spanIds.push(idToHex(e.spanId, 8, path, 'spanId'));
      traceIds.push(idToHex(e.traceId, 16, path, 'traceId'));
    }
    path.leave();
    return {
      'Exemplars.FilteredAttributes': attributes,
      'Exemplars.TimeUnix': times,
      'Exemplars.Value': values,
      'Exemplars.SpanId': spanIds,
      'Exemplars.TraceId': traceIds,
    };
  }

  /** AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative; anything else is invalid. */
  private temporality(value: number): number {
    if (value === 0 || value === 1 || value === 2) return value;
    throw new VigilError('INGEST_INVALID_FIELD', `${this.path.describe('aggregationTemporality')}: unknown value ${value}`);
  }

  private reject(count: number, reason: string): void {
    this.rejected += count;
    this.rejectedReason ??= reason;
  }
}

function bucketCounts(buckets: ExponentialBuckets | null): string[] {
  return buckets === null ? [] : buckets.bucketCounts.map(int64ToDecimal);
}

/** Data points in the request; a metric without data counts as one item. */
function countDataPoints(request: ExportMetricsServiceRequest): number {
  let count = 0;
  for (const resourceMetrics of request.resourceMetrics) {
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const m of scopeMetrics.metrics) {
        const data = m.gauge ?? m.sum ?? m.histogram ?? m.exponentialHistogram ?? m.summary;
        count += data === null ? 1 : data.dataPoints.length;
      }
    }
  }
  return count;
}
