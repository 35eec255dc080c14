import { VigilError } from '../../api/errors.js';
import { checkItemCount, type DecodeLimits } from '../decode/limits.js';
import type { Attributes, DecodedBatch, NanoTime, SpanRow } from '../rows.js';
import { FieldPath } from './field-path.js';
import type { ExportTraceServiceRequest, Span } from './messages.js';
import { decodeRequest, onlyVigilErrors, readResource, readScope, type OtlpFormat, type ScopeColumns } from './request.js';
import { otlpTypes } from './schema.js';
import { attributesToMap, checkString, durationNanos, idToHex, int64ToNanoTime } from './values.js';

/** SpanKind names as the Collector's ClickHouse exporter writes them (pdata `SpanKind.String()` minus the prefix). */
const SPAN_KINDS = ['Unspecified', 'Internal', 'Server', 'Client', 'Producer', 'Consumer'];
/** Status.StatusCode names as the Collector writes them. */
const STATUS_CODES = ['Unset', 'Ok', 'Error'];
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/**
 * OTLP ExportTraceServiceRequest → `otel_traces` rows. A span needs a 16-byte
 * trace id and an 8-byte span id, an end time not before its start, and a
 * known kind and status code; anything else rejects the whole request. An
 * empty name is allowed (OTLP: "equivalent to an unknown span name").
 */
export function decodeTraces(body: Buffer, format: OtlpFormat, limits: DecodeLimits): DecodedBatch {
  return onlyVigilErrors(() => {
    const request = decodeRequest<ExportTraceServiceRequest>(otlpTypes.traceRequest, body, format);
    const rows = spanRows(request, limits);
    return { rows: rows.length > 0 ? { otel_traces: rows } : {}, rejected: 0 };
  });
}

function spanRows(request: ExportTraceServiceRequest, limits: DecodeLimits): SpanRow[] {
  let count = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  }
  checkItemCount(count, 'spans', limits);

  const rows: SpanRow[] = [];
  const path = new FieldPath();
  path.enter('resourceSpans');
  for (let i = 0; i < request.resourceSpans.length; i++) {
    path.at(i);
    const resourceSpans = request.resourceSpans[i];
    const resource = readResource(resourceSpans.resource, resourceSpans.schemaUrl, limits, path);
    path.enter('scopeSpans');
    for (let j = 0; j < resourceSpans.scopeSpans.length; j++) {
      path.at(j);
      const scopeSpans = resourceSpans.scopeSpans[j];
      const scope = readScope(resource, scopeSpans.scope, scopeSpans.schemaUrl, limits, path);
      path.enter('spans');
      for (let k = 0; k < scopeSpans.spans.length; k++) {
        path.at(k);
        rows.push(spanRow(scopeSpans.spans[k], scope, limits, path));
      }
      path.leave();
    }
    path.leave();
  }
  return rows;
}

function spanRow(span: Span, scope: ScopeColumns, limits: DecodeLimits, path: FieldPath): SpanRow {
  const max = limits.maxStringBytes;
  const traceId = requiredId(span.traceId, 16, path, 'traceId');
  const spanId = requiredId(span.spanId, 8, path, 'spanId');
  const duration = durationNanos(span.startTimeUnixNano, span.endTimeUnixNano);
  if (duration === null) {
    throw new VigilError('INGEST_INVALID_FIELD', `${path.describe('endTimeUnixNano')}: before startTimeUnixNano`);
  }
  const kind = SPAN_KINDS[span.kind];
  if (kind === undefined) throw badEnum(path, 'kind', span.kind);
  const status = span.status;
  const statusCode = STATUS_CODES[status === null ? 0 : status.code];
  if (statusCode === undefined) throw badEnum(path, 'status.code', status?.code);

  const eventTimes: NanoTime[] = [];
  const eventNames: string[] = [];
  const eventAttributes: Attributes[] = [];
  path.enter('events');
  for (let e = 0; e < span.events.length; e++) {
    path.at(e);
    const event = span.events[e];
    eventTimes.push(int64ToNanoTime(event.timeUnixNano));
    eventNames.push(checkString(event.name, max, path, 'name'));
    eventAttributes.push(attributesToMap(event.attributes, limits, path, 'attributes'));
  }
  path.leave();

  const linkTraceIds: string[] = [];
  const linkSpanIds: string[] = [];
  const linkStates: string[] = [];
  const linkAttributes: Attributes[] = [];
  path.enter('links');
  for (let l = 0; l < span.links.length; l++) {
    path.at(l);
    const link = span.links[l];
    linkTraceIds.push(requiredId(link.traceId, 16, path, 'traceId'));
    linkSpanIds.push(requiredId(link.spanId, 8, path, 'spanId'));
    linkStates.push(checkString(link.traceState, max, path, 'traceState'));
    linkAttributes.push(attributesToMap(link.attributes, limits, path, 'attributes'));
  }
  path.leave();

  return {
    Timestamp: int64ToNanoTime(span.startTimeUnixNano),
    TraceId: traceId,
    SpanId: spanId,
    ParentSpanId: idToHex(span.parentSpanId, 8, path, 'parentSpanId'),
    TraceState: checkString(span.traceState, max, path, 'traceState'),
    SpanName: checkString(span.name, max, path, 'name'),
    SpanKind: kind,
    ServiceName: scope.ServiceName,
    ResourceAttributes: scope.ResourceAttributes,
    ScopeName: scope.ScopeName,
    ScopeVersion: scope.ScopeVersion,
    SpanAttributes: attributesToMap(span.attributes, limits, path, 'attributes'),
    Duration: duration,
    StatusCode: statusCode,
    StatusMessage: status === null ? '' : checkString(status.message, max, path, 'status.message'),
    'Events.Timestamp': eventTimes,
    'Events.Name': eventNames,
    'Events.Attributes': eventAttributes,
    'Links.TraceId': linkTraceIds,
    'Links.SpanId': linkSpanIds,
    'Links.TraceState': linkStates,
    'Links.Attributes': linkAttributes,
  };
}

function requiredId(bytes: Uint8Array, size: 8 | 16, path: FieldPath, field: string): string {
  const hex = idToHex(bytes, size, path, field);
  if (hex === '') throw new VigilError('INGEST_MISSING_FIELD', `${path.describe(field)}: required, got none`);
  // OTLP: an all-zero trace or span id is invalid.
  if (hex === (size === 16 ? ZERO_TRACE_ID : ZERO_SPAN_ID)) {
    throw new VigilError('INGEST_INVALID_FIELD', `${path.describe(field)}: all zeroes is not a valid id`);
  }
  return hex;
}

function badEnum(path: FieldPath, field: string, value: unknown): VigilError {
  return new VigilError('INGEST_INVALID_FIELD', `${path.describe(field)}: unknown value ${String(value)}`);
}
