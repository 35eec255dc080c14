/**
 * The shape of decoded OTLP messages, as protobufjs' reflection decoders build
 * them (lowerCamelCase fields, unset scalars read their proto3 default from the
 * prototype, unset messages read `null`) and as the OTLP/JSON reader builds them
 * too, so one mapping serves both encodings.
 *
 * Members of a oneof and proto3 `optional` fields are own properties only when
 * present on the wire; check them with `Object.hasOwn` (oneof) or `!= null`
 * (optional), never by value.
 */

/** A 64-bit integer as two 32-bit halves (protobufjs' Long without its methods). */
export interface Int64 {
  low: number;
  high: number;
  unsigned: boolean;
}

/**
 * Its fields are proto3 `optional` in Vigil's common.proto (see there): null
 * when absent, except `intValue`, which protobufjs defaults to a zero Long on
 * the prototype; check it with `Object.hasOwn`.
 */
export interface AnyValue {
  stringValue: string | null;
  boolValue: boolean | null;
  intValue: Int64;
  doubleValue: number | null;
  arrayValue: ArrayValue | null;
  kvlistValue: KeyValueList | null;
  bytesValue: Uint8Array | null;
}

export interface ArrayValue {
  values: AnyValue[];
}

export interface KeyValueList {
  values: KeyValue[];
}

export interface KeyValue {
  key: string;
  value: AnyValue | null;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface LogRecord {
  timeUnixNano: Int64;
  observedTimeUnixNano: Int64;
  severityNumber: number;
  severityText: string;
  body: AnyValue | null;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  traceId: Uint8Array;
  spanId: Uint8Array;
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope | null;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface ResourceLogs {
  resource: Resource | null;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

export interface ExportLogsServiceRequest {
  resourceLogs: ResourceLogs[];
}

export interface SpanEvent {
  timeUnixNano: Int64;
  name: string;
  attributes: KeyValue[];
}

export interface SpanLink {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  attributes: KeyValue[];
  flags: number;
}

export interface Status {
  message: string;
  code: number;
}

export interface Span {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState: string;
  parentSpanId: Uint8Array;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: KeyValue[];
  events: SpanEvent[];
  links: SpanLink[];
  status: Status | null;
}

export interface ScopeSpans {
  scope: InstrumentationScope | null;
  spans: Span[];
  schemaUrl: string;
}

export interface ResourceSpans {
  resource: Resource | null;
  scopeSpans: ScopeSpans[];
  schemaUrl: string;
}

export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
}

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: Int64;
  asDouble: number;
  asInt: Int64;
  spanId: Uint8Array;
  traceId: Uint8Array;
}

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  asDouble: number;
  asInt: Int64;
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  count: Int64;
  sum: number | null;
  bucketCounts: Int64[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | null;
  max: number | null;
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: Int64[];
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  count: Int64;
  sum: number | null;
  scale: number;
  zeroCount: Int64;
  positive: ExponentialBuckets | null;
  negative: ExponentialBuckets | null;
  flags: number;
  exemplars: Exemplar[];
  min: number | null;
  max: number | null;
  zeroThreshold: number;
}

export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  count: Int64;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}

export interface Metric {
  name: string;
  description: string;
  unit: string;
  gauge: { dataPoints: NumberDataPoint[] } | null;
  sum: { dataPoints: NumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram: { dataPoints: HistogramDataPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: { dataPoints: ExponentialHistogramDataPoint[]; aggregationTemporality: number } | null;
  summary: { dataPoints: SummaryDataPoint[] } | null;
}

export interface ScopeMetrics {
  scope: InstrumentationScope | null;
  metrics: Metric[];
  schemaUrl: string;
}

export interface ResourceMetrics {
  resource: Resource | null;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

export interface ExportMetricsServiceRequest {
  resourceMetrics: ResourceMetrics[];
}
