/**
 * Rows as they are written to the store, one interface per table. Column names
 * follow the OpenTelemetry Collector ClickHouse exporter so that a team already
 * running the Collector can point Vigil at its tables.
 *
 * Timestamps are nanoseconds since the Unix epoch written as a decimal string
 * `"<seconds>.<9 digits>"`, which ClickHouse parses into DateTime64(9) without
 * losing precision (a JS number cannot hold nanoseconds).
 */
export type Attributes = Record<string, string>;

/** Nanosecond timestamp as `"<seconds>.<nanoseconds, 9 digits>"`. */
export type NanoTime = string;

export interface ResourceScope {
  ServiceName: string;
  ResourceAttributes: Attributes;
  ResourceSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  ScopeSchemaUrl: string;
}

export interface LogRow {
  Timestamp: NanoTime;
  TraceId: string;
  SpanId: string;
  TraceFlags: number;
  SeverityText: string;
  SeverityNumber: number;
  ServiceName: string;
  Body: string;
  ResourceSchemaUrl: string;
  ResourceAttributes: Attributes;
  ScopeSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  LogAttributes: Attributes;
  /** Id of the body's template (Vigil's column; absent when mining is off). */
  TemplateId?: string;
}

export interface SpanRow {
  Timestamp: NanoTime;
  TraceId: string;
  SpanId: string;
  ParentSpanId: string;
  TraceState: string;
  SpanName: string;
  /** `Unspecified` | `Internal` | `Server` | `Client` | `Producer` | `Consumer`, as the Collector writes it. */
  SpanKind: string;
  ServiceName: string;
  ResourceAttributes: Attributes;
  ScopeName: string;
  ScopeVersion: string;
  SpanAttributes: Attributes;
  /** Nanoseconds, as a decimal string (UInt64). */
  Duration: string;
  /** `Unset` | `Ok` | `Error`. */
  StatusCode: string;
  StatusMessage: string;
  'Events.Timestamp': NanoTime[];
  'Events.Name': string[];
  'Events.Attributes': Attributes[];
  'Links.TraceId': string[];
  'Links.SpanId': string[];
  'Links.TraceState': string[];
  'Links.Attributes': Attributes[];
}

/** Columns every metric table shares. */
export interface MetricBase {
  ResourceAttributes: Attributes;
  ResourceSchemaUrl: string;
  ScopeName: string;
  ScopeVersion: string;
  ScopeAttributes: Attributes;
  ScopeDroppedAttrCount: number;
  ScopeSchemaUrl: string;
  ServiceName: string;
  MetricName: string;
  MetricDescription: string;
  MetricUnit: string;
  Attributes: Attributes;
  StartTimeUnix: NanoTime;
  TimeUnix: NanoTime;
  Flags: number;
}

export interface Exemplars {
  'Exemplars.FilteredAttributes': Attributes[];
  'Exemplars.TimeUnix': NanoTime[];
  'Exemplars.Value': number[];
  'Exemplars.SpanId': string[];
  'Exemplars.TraceId': string[];
}

export interface GaugeRow extends MetricBase, Exemplars {
  Value: number;
}

export interface SumRow extends MetricBase, Exemplars {
  Value: number;
  /** OTLP AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
  AggregationTemporality: number;
  IsMonotonic: boolean;
}

export interface HistogramRow extends MetricBase, Exemplars {
  /** UInt64 as decimal string. */
  Count: string;
  Sum: number;
  BucketCounts: string[];
  ExplicitBounds: number[];
  Min: number;
  Max: number;
  AggregationTemporality: number;
}

export interface ExpHistogramRow extends MetricBase, Exemplars {
  Count: string;
  Sum: number;
  Scale: number;
  ZeroCount: string;
  PositiveOffset: number;
  PositiveBucketCounts: string[];
  NegativeOffset: number;
  NegativeBucketCounts: string[];
  Min: number;
  Max: number;
  AggregationTemporality: number;
}

export interface SummaryRow extends MetricBase {
  Count: string;
  Sum: number;
  'ValueAtQuantiles.Quantile': number[];
  'ValueAtQuantiles.Value': number[];
}

/** A CloudEvents 1.0 event. `data` is kept as JSON text (or base64 for binary data). */
export interface EventRow {
  Id: string;
  Source: string;
  Type: string;
  SpecVersion: string;
  Subject: string;
  Time: NanoTime;
  DataContentType: string;
  DataSchema: string;
  /** Event payload as JSON text; binary payloads are base64 with DataContentType kept. */
  Data: string;
  /** CloudEvents extension attributes. */
  Extensions: Attributes;
  /** The practice the type belongs to (devops, devsecops, dataops, …), or `other`. */
  Practice: string;
  /** `ServiceName`: the service the event is about (extension `service` or subject), may be empty. */
  ServiceName: string;
}

/** Per-template deltas since the last flush (merged by id in the store). */
export interface LogTemplateRow {
  TemplateId: string;
  Template: string;
  FirstSeen: NanoTime;
  LastSeen: NanoTime;
  Count: number;
  Samples: string[];
  Services: string[];
  MaxSeverityNumber: number;
}

/** An id a template had before it generalised, and the id it has now. */
export interface LogTemplateMergeRow {
  FromId: string;
  ToId: string;
}

/** The store tables that ingest writes, keyed by table name. */
export interface TableRows {
  otel_logs: LogRow[];
  otel_traces: SpanRow[];
  otel_metrics_gauge: GaugeRow[];
  otel_metrics_sum: SumRow[];
  otel_metrics_histogram: HistogramRow[];
  otel_metrics_exponential_histogram: ExpHistogramRow[];
  otel_metrics_summary: SummaryRow[];
  events: EventRow[];
  log_templates: LogTemplateRow[];
  log_template_merges: LogTemplateMergeRow[];
}

export type IngestTable = keyof TableRows;

export const INGEST_TABLES: readonly IngestTable[] = [
  'otel_logs',
  'otel_traces',
  'otel_metrics_gauge',
  'otel_metrics_sum',
  'otel_metrics_histogram',
  'otel_metrics_exponential_histogram',
  'otel_metrics_summary',
  'events',
  // Appended: the Kafka envelope codec identifies tables by their index in this list.
  'log_templates',
  'log_template_merges',
];

/** What a decoder hands to the pipeline: rows for some tables, plus what it refused. */
export interface DecodedBatch {
  rows: Partial<TableRows>;
  /** Items dropped as invalid while the rest was accepted (OTLP partial success). */
  rejected: number;
  /** Why items were dropped, for the partial-success message. */
  rejectedReason?: string;
}

/**
 * NanoTime from whole seconds and nanoseconds. Seconds are zero-padded to at least
 * nine digits: ClickHouse reads `<seconds>.<fraction>` as a Unix time only when the
 * seconds part has nine or more digits (shorter ones look like a date to its parser).
 */
export function nanoTimeOf(seconds: number | bigint, nanos: number | bigint): NanoTime {
  return `${String(seconds).padStart(9, '0')}.${String(nanos).padStart(9, '0')}`;
}

/** The Unix epoch, for times a sender left unset. */
export const ZERO_TIME: NanoTime = nanoTimeOf(0, 0);

/** Converts nanoseconds since the epoch (bigint) to the NanoTime text form. */
export function nanoTime(ns: bigint): NanoTime {
  return nanoTimeOf(ns / 1_000_000_000n, ns % 1_000_000_000n);
}
