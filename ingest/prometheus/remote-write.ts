import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { VigilError } from '../../api/errors.js';
import { snappyUncompress } from '../decode/snappy.js';
import { checkItemCount, exceedsUtf8, stringTooLong, tooManyAttributes, type DecodeLimits } from '../decode/limits.js';
import { nanoTimeOf, ZERO_TIME, type Attributes, type DecodedBatch, type GaugeRow, type MetricBase, type NanoTime, type SumRow } from '../rows.js';

/**
 * Prometheus remote write 1.0 (https://prometheus.io/docs/specs/prw/remote_write_spec/):
 * a snappy-compressed prometheus.WriteRequest → `otel_metrics_sum` and
 * `otel_metrics_gauge` rows, one per sample, mapped the way the Collector's
 * Prometheus receivers do: `__name__` → MetricName, `job` → ServiceName and
 * resource attribute `service.name`, `instance` → resource attribute
 * `service.instance.id`, every other non-empty label → Attributes.
 *
 * Metric type, from the request's metadata when it names the family:
 *   COUNTER                                 → sum, cumulative, monotonic
 *   GAUGE, UNKNOWN, INFO, STATESET          → gauge
 *   HISTOGRAM, SUMMARY: `_bucket`, `_count` → sum, cumulative, monotonic
 *                       `_sum`              → sum, cumulative, not monotonic
 *                                             (observations may be negative)
 *                       quantile series     → gauge
 *   GAUGEHISTOGRAM: every series            → gauge
 * Classic histograms and summaries stay flat: `le` / `quantile` stay in
 * Attributes, one row per series sample, not reassembled into histogram rows.
 * Without metadata (Prometheus sends it in separate requests), a name ending in
 * `_total` is a cumulative monotonic sum and anything else a gauge.
 *
 * Stale markers (the NaN 0x7ff0000000000002) are dropped: they mark the end of
 * a series, not a value. Native histogram samples are counted as rejected (not
 * stored yet); exemplars are ignored.
 */
export function decodeRemoteWrite(body: Buffer, limits: DecodeLimits): DecodedBatch {
  try {
    const request = decodeWriteRequest(snappyUncompress(body, limits.maxBodyBytes));
    return mapWriteRequest(request, limits);
  } catch (err) {
    if (err instanceof VigilError) throw err;
    throw new VigilError('INTERNAL', 'remote write decoder failed unexpectedly', { cause: err });
  }
}

interface Label {
  name: string;
  value: string;
}
interface Sample {
  value: number;
  timestamp: protobuf.Long;
}
interface TimeSeries {
  labels: Label[];
  samples: Sample[];
  histograms: unknown[];
}
interface MetricMetadata {
  type: number;
  metricFamilyName: string;
  help: string;
  unit: string;
}
interface WriteRequest {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
}

const root = protobuf.loadSync(fileURLToPath(new URL('./remote.proto', import.meta.url)));
const WriteRequestType = root.lookupType('prometheus.WriteRequest');

function decodeWriteRequest(raw: Buffer): WriteRequest {
  try {
    return WriteRequestType.decode(raw) as unknown as WriteRequest;
  } catch (err) {
    throw new VigilError('INGEST_MALFORMED_PROTOBUF', `body is not a valid WriteRequest: ${(err as Error).message}`);
  }
}

/** MetricMetadata.MetricType values. */
const COUNTER = 1;
const HISTOGRAM = 3;
const GAUGE_HISTOGRAM = 4;
const SUMMARY = 5;

/** Series name suffixes that belong to a family named without them. */
const FAMILY_SUFFIXES = ['_bucket', '_count', '_sum', '_total', '_created', '_info'];

interface SeriesKind {
  sum: boolean;
  monotonic: boolean;
  metadata: MetricMetadata | undefined;
}

function classify(name: string, metadata: Map<string, MetricMetadata>): SeriesKind {
  let meta = metadata.get(name);
  let suffix = '';
  if (meta === undefined) {
    for (const s of FAMILY_SUFFIXES) {
      if (name.endsWith(s)) {
        meta = metadata.get(name.slice(0, -s.length));
        if (meta !== undefined) {
          suffix = s;
          break;
        }
      }
    }
  }
  if (meta === undefined) {
    const total = name.endsWith('_total');
    return { sum: total, monotonic: total, metadata: undefined };
  }
  switch (meta.type) {
    case COUNTER:
      return { sum: true, monotonic: true, metadata: meta };
    case HISTOGRAM:
    case SUMMARY:
      if (suffix === '_bucket' || suffix === '_count') return { sum: true, monotonic: true, metadata: meta };
      if (suffix === '_sum') return { sum: true, monotonic: false, metadata: meta };
      return { sum: false, monotonic: false, metadata: meta };
    case GAUGE_HISTOGRAM:
    default:
      return { sum: false, monotonic: false, metadata: meta };
  }
}

const SCOPE_NAME = 'vigil/prometheus-remote-write';

function mapWriteRequest(request: WriteRequest, limits: DecodeLimits): DecodedBatch {
  let count = 0;
  for (const series of request.timeseries) count += series.samples.length + series.histograms.length;
  checkItemCount(count, 'samples', limits);

  const metadata = new Map<string, MetricMetadata>();
  for (const meta of request.metadata) metadata.set(meta.metricFamilyName, meta);

  const sums: SumRow[] = [];
  const gauges: GaugeRow[] = [];
  let rejected = 0;
  for (let i = 0; i < request.timeseries.length; i++) {
    const series = request.timeseries[i];
    const where = `timeseries[${i}]`;
    rejected += series.histograms.length;
    if (series.samples.length === 0) continue;
    const base = seriesBase(series, where, metadata, limits);
    for (let j = 0; j < series.samples.length; j++) {
      const sample = series.samples[j];
      if (isStaleMarker(sample.value)) continue;
      const time = millisToNanoTime(sample.timestamp, `${where}.samples[${j}].timestamp`);
      if (base.kind.sum) {
        sums.push({
          ...base.columns,
          ...noExemplars(),
          TimeUnix: time,
          Value: sample.value,
          AggregationTemporality: 2,
          IsMonotonic: base.kind.monotonic,
        });
      } else {
        gauges.push({ ...base.columns, ...noExemplars(), TimeUnix: time, Value: sample.value });
      }
    }
  }
  const rows: DecodedBatch['rows'] = {};
  if (sums.length > 0) rows.otel_metrics_sum = sums;
  if (gauges.length > 0) rows.otel_metrics_gauge = gauges;
  const batch: DecodedBatch = { rows, rejected };
  if (rejected > 0) batch.rejectedReason = 'native histogram samples are not supported';
  return batch;
}

function seriesBase(
  series: TimeSeries,
  where: string,
  metadata: Map<string, MetricMetadata>,
  limits: DecodeLimits,
): { columns: MetricBase; kind: SeriesKind } {
  if (series.labels.length > limits.maxAttributes) throw tooManyAttributes(`${where}.labels`, series.labels.length, limits);
  let name: string | undefined;
  let job = '';
  let instance = '';
  const attributes: Attributes = {};
  for (let k = 0; k < series.labels.length; k++) {
    const { name: label, value } = series.labels[k];
    if (label === '') throw new VigilError('INGEST_INVALID_FIELD', `${where}.labels[${k}].name: empty label name`);
    if (exceedsUtf8(label, limits.maxStringBytes)) throw stringTooLong(`${where}.labels[${k}].name`, label, limits.maxStringBytes);
    if (exceedsUtf8(value, limits.maxStringBytes)) {
      throw stringTooLong(`${where}.labels[${k}].value`, value, limits.maxStringBytes);
    }
    if (value === '') continue; // Prometheus: a label with an empty value is the same as no label
    if (label === '__name__') name = value;
    else if (label === 'job') job = value;
    else if (label === 'instance') instance = value;
    else if (label === '__proto__') Object.defineProperty(attributes, label, { value, enumerable: true, writable: true });
    else attributes[label] = value;
  }
  if (name === undefined) throw new VigilError('INGEST_MISSING_FIELD', `${where}.labels: no __name__ label`);
  const resource: Attributes = {};
  if (job !== '') resource['service.name'] = job;
  if (instance !== '') resource['service.instance.id'] = instance;
  const kind = classify(name, metadata);
  return {
    kind,
    columns: {
      ResourceAttributes: resource,
      ResourceSchemaUrl: '',
      ScopeName: SCOPE_NAME,
      ScopeVersion: '1.0',
      ScopeAttributes: {},
      ScopeDroppedAttrCount: 0,
      ScopeSchemaUrl: '',
      ServiceName: job || 'unknown_service',
      MetricName: name,
      MetricDescription: kind.metadata?.help ?? '',
      MetricUnit: kind.metadata?.unit ?? '',
      Attributes: attributes,
      StartTimeUnix: ZERO_TIME,
      TimeUnix: ZERO_TIME,
      Flags: 0,
    },
  };
}

function noExemplars() {
  return {
    'Exemplars.FilteredAttributes': [],
    'Exemplars.TimeUnix': [],
    'Exemplars.Value': [],
    'Exemplars.SpanId': [],
    'Exemplars.TraceId': [],
  };
}

const float = new Float64Array(1);
const bits = new BigUint64Array(float.buffer);
/** Prometheus' staleness marker, value.StaleNaN in prometheus/model/value. */
const STALE_NAN_BITS = 0x7ff0000000000002n;

function isStaleMarker(value: number): boolean {
  if (!Number.isNaN(value)) return false;
  float[0] = value;
  return bits[0] === STALE_NAN_BITS;
}

/** A sample timestamp (int64 milliseconds since the epoch) as NanoTime. */
function millisToNanoTime(ms: protobuf.Long, where: string): NanoTime {
  const millis = ms.high * 0x100000000 + (ms.low >>> 0);
  if (millis < 0) throw new VigilError('INGEST_INVALID_FIELD', `${where}: ${millis} is before the epoch`);
  const seconds = Math.floor(millis / 1000);
  return nanoTimeOf(seconds, (millis - seconds * 1000) * 1_000_000);
}
