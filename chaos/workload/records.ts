/**
 * What the simulation produces, before encoding: plain records that tests can inspect and
 * the OTLP/JSON encoder turns into requests. Times are integer microseconds since the
 * epoch (exact in a double until year 2255), nanoseconds only on the wire.
 */
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;

/** One emitting process: `service.name`, `service.version`, `deployment.environment`, `host.name`. */
export interface Resource {
  service: string;
  attributes: Attributes;
}

/** OTLP SpanKind values. */
export const SpanKind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export type SpanKindValue = (typeof SpanKind)[keyof typeof SpanKind];

/** OTLP Status.StatusCode values. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEventRecord {
  timeUs: number;
  name: string;
  attributes: Attributes;
}

export interface SpanRecord {
  resource: Resource;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKindValue;
  startUs: number;
  endUs: number;
  attributes: Attributes;
  status: { code: 0 | 1 | 2; message?: string };
  events: SpanEventRecord[];
}

/** OTLP SeverityNumber of each text the workload uses. */
export const SEVERITY = { DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17 } as const;
export type SeverityText = keyof typeof SEVERITY;

export interface LogRecord {
  resource: Resource;
  timeUs: number;
  severityText: SeverityText;
  body: string;
  /** '' when the line belongs to no trace (canaries, background work). */
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface HistogramValue {
  count: number;
  sum: number;
  bounds: number[];
  bucketCounts: number[];
}

/** One data point of one metric; the encoder groups points by resource and metric. */
export interface MetricPoint {
  resource: Resource;
  name: string;
  unit: string;
  description: string;
  /** `sum` is always cumulative and monotonic here; gauges are instantaneous. */
  type: 'gauge' | 'sum' | 'histogram';
  timeUs: number;
  /** Start of the cumulative series (sums, histograms). */
  startUs: number;
  attributes: Attributes;
  value: number;
  histogram?: HistogramValue;
}

/** A CloudEvents 1.0 event in structured JSON form. */
export interface CloudEventRecord {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** CloudEvents extension naming the service the event is about. */
  service: string;
  data: unknown;
}

/** Everything one simulated stretch of time produced. */
export interface TelemetryBatch {
  spans: SpanRecord[];
  logs: LogRecord[];
  metrics: MetricPoint[];
  events: CloudEventRecord[];
}

export function emptyBatch(): TelemetryBatch {
  return { spans: [], logs: [], metrics: [], events: [] };
}

export function appendBatch(into: TelemetryBatch, from: TelemetryBatch): void {
  for (const key of ['spans', 'logs', 'metrics', 'events'] as const) {
    for (const item of from[key] as unknown[]) (into[key] as unknown[]).push(item);
  }
}
