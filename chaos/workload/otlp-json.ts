import { SEVERITY, type AttributeValue, type Attributes, type LogRecord, type MetricPoint, type Resource, type SpanRecord } from './records.js';

/**
 * A small OTLP/JSON encoder (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * hex trace and span ids, integer enums, 64-bit integers and nanosecond times as decimal
 * strings, lowerCamelCase keys. Records are grouped by resource object (one per service and
 * version) into one `resource*` entry each, under the workload's instrumentation scope.
 */
const SCOPE = { name: 'vigil-workload', version: '0.1.0' };

type KeyValue = { key: string; value: AnyValue };
type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };

export function encodeTraces(spans: SpanRecord[]): string {
  const resourceSpans = [...groupByResource(spans)].map(([resource, group]) => ({
    resource: { attributes: keyValues(resource.attributes) },
    scopeSpans: [{
      scope: SCOPE,
      spans: group.map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: nanos(s.startUs),
        endTimeUnixNano: nanos(s.endUs),
        attributes: keyValues(s.attributes),
        events: s.events.map((e) => ({ timeUnixNano: nanos(e.timeUs), name: e.name, attributes: keyValues(e.attributes) })),
        status: s.status.message ? { code: s.status.code, message: s.status.message } : { code: s.status.code },
      })),
    }],
  }));
  return JSON.stringify({ resourceSpans });
}

export function encodeLogs(logs: LogRecord[]): string {
  const resourceLogs = [...groupByResource(logs)].map(([resource, group]) => ({
    resource: { attributes: keyValues(resource.attributes) },
    scopeLogs: [{
      scope: SCOPE,
      logRecords: group.map((l) => ({
        timeUnixNano: nanos(l.timeUs),
        observedTimeUnixNano: nanos(l.timeUs),
        severityNumber: SEVERITY[l.severityText],
        severityText: l.severityText,
        body: { stringValue: l.body },
        attributes: keyValues(l.attributes),
        ...(l.traceId ? { traceId: l.traceId, spanId: l.spanId } : {}),
      })),
    }],
  }));
  return JSON.stringify({ resourceLogs });
}

/** AggregationTemporality CUMULATIVE. */
const CUMULATIVE = 2;

export function encodeMetrics(points: MetricPoint[]): string {
  const resourceMetrics = [...groupByResource(points)].map(([resource, group]) => {
    const byMetric = new Map<string, MetricPoint[]>();
    for (const p of group) {
      const key = `${p.type}\u0000${p.name}`;
      const list = byMetric.get(key);
      if (list) list.push(p);
      else byMetric.set(key, [p]);
    }
    return {
      resource: { attributes: keyValues(resource.attributes) },
      scopeMetrics: [{ scope: SCOPE, metrics: [...byMetric.values()].map(encodeMetric) }],
    };
  });
  return JSON.stringify({ resourceMetrics });
}

function encodeMetric(points: MetricPoint[]) {
  const { name, unit, description, type } = points[0];
  const number = (p: MetricPoint) => ({
    ...(type === 'sum' ? { startTimeUnixNano: nanos(p.startUs) } : {}),
    timeUnixNano: nanos(p.timeUs),
    attributes: keyValues(p.attributes),
    ...(Number.isInteger(p.value) ? { asInt: String(p.value) } : { asDouble: p.value }),
  });
  switch (type) {
    case 'gauge':
      return { name, unit, description, gauge: { dataPoints: points.map(number) } };
    case 'sum':
      return { name, unit, description, sum: { aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints: points.map(number) } };
    case 'histogram':
      return {
        name, unit, description,
        histogram: {
          aggregationTemporality: CUMULATIVE,
          dataPoints: points.map((p) => ({
            startTimeUnixNano: nanos(p.startUs),
            timeUnixNano: nanos(p.timeUs),
            attributes: keyValues(p.attributes),
            count: String(p.histogram!.count),
            sum: p.histogram!.sum,
            bucketCounts: p.histogram!.bucketCounts.map(String),
            explicitBounds: p.histogram!.bounds,
          })),
        },
      };
  }
}

function groupByResource<T extends { resource: Resource }>(items: T[]): Map<Resource, T[]> {
  const groups = new Map<Resource, T[]>();
  for (const item of items) {
    const list = groups.get(item.resource);
    if (list) list.push(item);
    else groups.set(item.resource, [item]);
  }
  return groups;
}

function keyValues(attributes: Attributes): KeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: AttributeValue): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

/** Microseconds → the decimal nanosecond string OTLP/JSON carries (exact: no float arithmetic). */
function nanos(us: number): string {
  return `${us}000`;
}
