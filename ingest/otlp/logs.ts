import { VigilError } from '../../api/errors.js';
import { checkItemCount, type DecodeLimits } from '../decode/limits.js';
import { nanoTime, type DecodedBatch, type LogRow, type NanoTime } from '../rows.js';
import { FieldPath } from './field-path.js';
import { readLogRows } from './logs-protobuf.js';
import type { ExportLogsServiceRequest, LogRecord } from './messages.js';
import { decodeRequest, onlyVigilErrors, readResource, readScope, type OtlpFormat, type ScopeColumns } from './request.js';
import { otlpTypes } from './schema.js';
import { anyValueToString, attributesToMap, checkString, idToHex, int64ToNanoTime } from './values.js';

/**
 * OTLP ExportLogsServiceRequest → `otel_logs` rows. The hot path of ingest: protobuf
 * bodies go through the wire-level reader of logs-protobuf.ts, which hands anything it
 * does not handle to the reference decoder below.
 * Timestamp is `timeUnixNano`, else `observedTimeUnixNano`, else `receivedAtNs`
 * (the receive time, when the caller passes it; the epoch otherwise, as the
 * Collector's exporter writes it). A bad id, severity or limit rejects the
 * whole request.
 */
export function decodeLogs(
  body: Buffer,
  format: OtlpFormat,
  limits: DecodeLimits,
  receivedAtNs?: bigint,
): DecodedBatch {
  return onlyVigilErrors(() => {
    const fallbackTime = nanoTime(receivedAtNs ?? 0n);
    const rows = (format === 'protobuf' ? readLogRows(body, limits, fallbackTime) : undefined) ?? referenceLogRows(body, format, limits, fallbackTime);
    return { rows: rows.length > 0 ? { otel_logs: rows } : {}, rejected: 0 };
  });
}

/** The reference decoder: protobufjs (or the OTLP/JSON reader) into messages, then rows. */
export function referenceLogRows(body: Buffer, format: OtlpFormat, limits: DecodeLimits, fallbackTime: NanoTime): LogRow[] {
  return logRows(decodeRequest<ExportLogsServiceRequest>(otlpTypes.logsRequest, body, format), limits, fallbackTime);
}

function logRows(request: ExportLogsServiceRequest, limits: DecodeLimits, fallbackTime: NanoTime): LogRow[] {
  let count = 0;
  for (const resourceLogs of request.resourceLogs) {
    for (const scopeLogs of resourceLogs.scopeLogs) count += scopeLogs.logRecords.length;
  }
  checkItemCount(count, 'log records', limits);

  const rows: LogRow[] = [];
  const path = new FieldPath();
  path.enter('resourceLogs');
  for (let i = 0; i < request.resourceLogs.length; i++) {
    path.at(i);
    const resourceLogs = request.resourceLogs[i];
    const resource = readResource(resourceLogs.resource, resourceLogs.schemaUrl, limits, path);
    path.enter('scopeLogs');
    for (let j = 0; j < resourceLogs.scopeLogs.length; j++) {
      path.at(j);
      const scopeLogs = resourceLogs.scopeLogs[j];
      const scope = readScope(resource, scopeLogs.scope, scopeLogs.schemaUrl, limits, path);
      const records = scopeLogs.logRecords;
      path.enter('logRecords');
      for (let k = 0; k < records.length; k++) {
        path.at(k);
        rows.push(logRow(records[k], scope, limits, path, fallbackTime));
      }
      path.leave();
    }
    path.leave();
  }
  return rows;
}

function logRow(record: LogRecord, scope: ScopeColumns, limits: DecodeLimits, path: FieldPath, fallbackTime: NanoTime): LogRow {
  const time = record.timeUnixNano;
  const observed = record.observedTimeUnixNano;
  const severity = record.severityNumber;
  // SeverityNumber is 1..24 (0 unspecified) in the logs data model; the store keeps it in a UInt8.
  if (!(severity >= 0 && severity <= 24)) {
    throw new VigilError('INGEST_INVALID_FIELD', `${path.describe('severityNumber')}: ${severity} is not in 0..24`);
  }
  return {
    Timestamp:
      (time.low | time.high) !== 0
        ? int64ToNanoTime(time)
        : (observed.low | observed.high) !== 0
          ? int64ToNanoTime(observed)
          : fallbackTime,
    TraceId: idToHex(record.traceId, 16, path, 'traceId'),
    SpanId: idToHex(record.spanId, 8, path, 'spanId'),
    // The low 8 bits of LogRecord.flags are the W3C trace flags.
    TraceFlags: record.flags & 0xff,
    SeverityText: checkString(record.severityText, limits.maxStringBytes, path, 'severityText'),
    SeverityNumber: severity,
    ServiceName: scope.ServiceName,
    Body: checkString(anyValueToString(record.body), limits.maxBodyStringBytes, path, 'body', 'maxBodyStringBytes'),
    ResourceSchemaUrl: scope.ResourceSchemaUrl,
    ResourceAttributes: scope.ResourceAttributes,
    ScopeSchemaUrl: scope.ScopeSchemaUrl,
    ScopeName: scope.ScopeName,
    ScopeVersion: scope.ScopeVersion,
    ScopeAttributes: scope.ScopeAttributes,
    LogAttributes: attributesToMap(record.attributes, limits, path, 'attributes'),
  };
}
