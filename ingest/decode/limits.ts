import { VigilError } from '../../api/errors.js';

/**
 * What one ingest request may carry. A request that breaks any limit is
 * rejected whole (nothing stored) with an error naming the offending item.
 */
export interface DecodeLimits {
  /** Largest body after decompression, in bytes. */
  maxBodyBytes: number;
  /** Most attributes on one item (resource, scope, record, span, event, link, data point, labels, extensions). */
  maxAttributes: number;
  /** Longest attribute key/value, name or other short string, in UTF-8 bytes. */
  maxStringBytes: number;
  /** Longest log record body or CloudEvent data, in UTF-8 bytes. */
  maxBodyStringBytes: number;
  /** Most records per request: log records, spans, metric data points, samples or events. */
  maxItemsPerRequest: number;
}

/**
 * Defaults, the same as the `ingest.*` entries of the configuration schema.
 * 16 MiB bodies hold the largest batches the OpenTelemetry SDKs and Prometheus
 * send by default with a wide margin; the SDKs batch 512 (traces) to 2048
 * (metrics) items per export, so 100,000 items leaves room for agents that
 * batch harder. 128 attributes is the OpenTelemetry SDK's default
 * `attributeCountLimit`; the SDK sets no value length limit, so 64 KiB strings
 * and 1 MiB log bodies / event data are Vigil's choice: large enough for stack
 * traces and SQL text, small enough that one item cannot fill a batch.
 */
export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze({
  maxBodyBytes: 16 * 1024 * 1024,
  maxAttributes: 128,
  maxStringBytes: 64 * 1024,
  maxBodyStringBytes: 1024 * 1024,
  maxItemsPerRequest: 100_000,
});

/**
 * True when `s` takes more than `maxBytes` bytes in UTF-8. Cheap for the common
 * case: a UTF-16 unit takes 1 to 3 UTF-8 bytes (a surrogate pair, 2 units, takes 4),
 * so the exact count is only needed when the length is in between.
 */
export function exceedsUtf8(s: string, maxBytes: number): boolean {
  const n = s.length;
  if (n * 3 <= maxBytes) return false;
  if (n > maxBytes) return true;
  return Buffer.byteLength(s, 'utf8') > maxBytes;
}

export function stringTooLong(path: string, s: string, maxBytes: number, limitName = 'maxStringBytes'): VigilError {
  return new VigilError(
    'INGEST_STRING_TOO_LONG',
    `${path}: ${Buffer.byteLength(s, 'utf8')} bytes exceeds limits.${limitName} (${maxBytes})`,
  );
}

export function tooManyAttributes(path: string, count: number, limits: DecodeLimits): VigilError {
  return new VigilError(
    'INGEST_TOO_MANY_ATTRIBUTES',
    `${path}: ${count} attributes exceeds limits.maxAttributes (${limits.maxAttributes})`,
  );
}

/** Throws INGEST_TOO_MANY_ITEMS when a request carries more than limits.maxItemsPerRequest items. */
export function checkItemCount(count: number, what: string, limits: DecodeLimits): void {
  if (count > limits.maxItemsPerRequest) {
    throw new VigilError(
      'INGEST_TOO_MANY_ITEMS',
      `request carries ${count} ${what}, more than limits.maxItemsPerRequest (${limits.maxItemsPerRequest})`,
    );
  }
}
