import { randomUUID } from 'node:crypto';
import { VigilError } from '../api/errors.js';
import { BusFullError, type Bus } from './bus/bus.js';
import { withStageSpan } from './telemetry.js';
import type { DecodedBatch, TableRows } from './rows.js';

/** The four ingest signals; each has its own bus topic. */
export type Signal = 'logs' | 'traces' | 'metrics' | 'events';

export const TOPICS: Record<Signal, string> = {
  logs: 'vigil.logs',
  traces: 'vigil.traces',
  metrics: 'vigil.metrics',
  events: 'vigil.events',
};

/** What travels on the bus: the rows of one request, by table. */
export interface IngestEnvelope {
  rows: Partial<TableRows>;
}

export function countRows(rows: Partial<TableRows>): number {
  let n = 0;
  for (const list of Object.values(rows)) n += list?.length ?? 0;
  return n;
}

/**
 * The last receiver-side stage: hands a decoded, validated batch to the bus and
 * resolves only when the bus reports it durable. Bus back-pressure becomes
 * INGEST_QUEUE_FULL (with a retry delay); any other failure INGEST_UNAVAILABLE.
 */
export class IngestPipeline {
  constructor(
    private readonly bus: Bus<IngestEnvelope>,
    private readonly retryAfterSeconds: number,
  ) {}

  async submit(signal: Signal, batch: DecodedBatch): Promise<void> {
    const items = countRows(batch.rows);
    if (items === 0) return;
    const key = firstServiceName(batch.rows) ?? '';
    await withStageSpan('ingest.publish', { 'vigil.signal': signal, 'vigil.items': items }, async () => {
      try {
        await this.bus.publish(TOPICS[signal], [{ key, id: randomUUID(), value: { rows: batch.rows } }]);
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
