import { randomUUID } from 'node:crypto';
import { VigilError } from '../api/errors.js';
import { BusFullError, type Bus } from './bus/bus.js';
import { withStageSpan } from './telemetry.js';
import { decodeCompactRows, encodeLogRows, LOG_COLUMNS } from './encode/log-rows.js';
import { INGEST_TABLES, type DecodedBatch, type IngestTable, type LogRow, type TableRows } from './rows.js';

/** The four ingest signals; each has its own bus topic. */
export type Signal = 'logs' | 'traces' | 'metrics' | 'events';

export const TOPICS: Record<Signal, string> = {
  logs: 'vigil.logs',
  traces: 'vigil.traces',
  metrics: 'vigil.metrics',
  events: 'vigil.events',
};

/**
 * What travels on the bus: the rows of one request per table, already encoded for the
 * store. Encoding happens in the receiver's request, so it overlaps with the store insert
 * in flight instead of running in the writer between inserts.
 */
export interface IngestEnvelope {
  tables: Partial<Record<IngestTable, EncodedRows>>;
  /** Row objects, kept only on the in-process bus for in-process subscribers (never serialised). */
  rows?: Partial<TableRows>;
}

/** How a table's rows are encoded: JSONEachRow, or JSONCompactEachRow in the table's COMPACT_COLUMNS order. */
export type RowFormat = 'JSONEachRow' | 'JSONCompactEachRow';

export interface EncodedRows {
  count: number;
  format: RowFormat;
  /** One row per line, no trailing newline. */
  body: Buffer;
}

/** Tables encoded as JSONCompactEachRow, with their column order; the others are JSONEachRow. */
export const COMPACT_COLUMNS: Partial<Record<IngestTable, readonly string[]>> = { otel_logs: LOG_COLUMNS };

export function countRows(rows: Partial<TableRows>): number {
  let n = 0;
  for (const list of Object.values(rows)) n += list?.length ?? 0;
  return n;
}

export function envelopeRows(envelope: IngestEnvelope): number {
  let n = 0;
  for (const table of Object.values(envelope.tables)) n += table?.count ?? 0;
  return n;
}

/**
 * The row objects of an envelope: kept ones on the in-process bus, else parsed from the encoded
 * tables (buses that carry bytes only, Kafka). `tables` limits which are parsed.
 */
export function rowsOfEnvelope(envelope: IngestEnvelope, tables?: (table: IngestTable) => boolean): Partial<TableRows> {
  if (envelope.rows) return envelope.rows;
  const rows: Record<string, unknown[]> = {};
  for (const [table, encoded] of Object.entries(envelope.tables) as Array<[IngestTable, EncodedRows | undefined]>) {
    if (!encoded || (tables && !tables(table))) continue;
    const columns = COMPACT_COLUMNS[table];
    rows[table] = encoded.format === 'JSONCompactEachRow' && columns
      ? decodeCompactRows(encoded.body, columns)
      : encoded.body.toString('utf8').split('\n').map((line) => JSON.parse(line));
  }
  return rows as Partial<TableRows>;
}

/** The encode stage: rows → the store's insert format per table. */
export function encodeEnvelope(rows: Partial<TableRows>): IngestEnvelope {
  const tables: IngestEnvelope['tables'] = {};
  for (const table of INGEST_TABLES) {
    const list = rows[table];
    if (!list || list.length === 0) continue;
    if (table === 'otel_logs') {
      tables[table] = { count: list.length, format: 'JSONCompactEachRow', body: encodeLogRows(list as LogRow[]) };
      continue;
    }
    let text = '';
    for (let i = 0; i < list.length; i++) text += (i ? '\n' : '') + JSON.stringify(list[i]);
    tables[table] = { count: list.length, format: 'JSONEachRow', body: Buffer.from(text, 'utf8') };
  }
  return { tables, rows };
}

/**
 * The last receiver-side stage: hands a decoded, validated batch to the bus and
 * resolves only when the bus reports it durable. Bus back-pressure becomes
 * INGEST_QUEUE_FULL (with a retry delay); any other failure INGEST_UNAVAILABLE.
 */
/** A normalise stage: enriches decoded rows in place before they are encoded (e.g. log template ids). */
export type NormaliseStage = (signal: Signal, rows: Partial<TableRows>) => void;

export class IngestPipeline {
  constructor(
    private readonly bus: Bus<IngestEnvelope>,
    private readonly retryAfterSeconds: number,
    private readonly stages: readonly NormaliseStage[] = [],
  ) {}

  async submit(signal: Signal, batch: DecodedBatch): Promise<void> {
    const items = countRows(batch.rows);
    if (items === 0) return;
    for (const stage of this.stages) stage(signal, batch.rows);
    const key = firstServiceName(batch.rows) ?? '';
    await withStageSpan('ingest.publish', { 'vigil.signal': signal, 'vigil.items': items }, async () => {
      try {
        const value = encodeEnvelope(batch.rows);
        await this.bus.publish(TOPICS[signal], [{ key, id: randomUUID(), value }]);
      } catch (err) {
        throw toIngestError(err, this.retryAfterSeconds);
      }
    });
  }
}

export class QueueFullError extends VigilError {
  constructor(readonly retryAfterSeconds: number) {
    super('INGEST_QUEUE_FULL', `ingest queue is full, retry after ${retryAfterSeconds} s`);
  }
}

function toIngestError(err: unknown, retryAfterSeconds: number): VigilError {
  if (err instanceof BusFullError) return new QueueFullError(Math.max(retryAfterSeconds, Math.ceil(err.retryAfterMs / 1000)));
  if (err instanceof VigilError && err.code === 'INGEST_QUEUE_FULL') return err;
  const message = err instanceof Error ? err.message : String(err);
  return new VigilError('INGEST_UNAVAILABLE', `not stored, retry: ${message}`, { cause: err });
}

function firstServiceName(rows: Partial<TableRows>): string | undefined {
  for (const list of Object.values(rows)) {
    const first = list?.[0] as { ServiceName?: string } | undefined;
    if (first?.ServiceName !== undefined) return first.ServiceName;
  }
  return undefined;
}
