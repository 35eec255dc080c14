import type { Store } from '../analytics/index.js';
import type { BatchContext, BusMessage } from './bus/bus.js';
import { COMPACT_COLUMNS, type IngestEnvelope, type RowFormat } from './pipeline.js';
import { INGEST_TABLES } from './rows.js';
import { ingestCounters, withStageSpan } from './telemetry.js';

export interface StoreWriterOptions {
  /**
   * Prefix of every insert deduplication token. Bus offsets identify a batch within
   * one bus lifetime; the prefix keeps tokens unique across lifetimes (an in-process
   * bus restarts its offsets with the process).
   */
  tokenPrefix: string;
}

const FORMATS: readonly RowFormat[] = ['JSONCompactEachRow', 'JSONEachRow'];

/**
 * The writer stage: one group commit per bus batch. The rows of all messages in the batch
 * are concatenated per table (and format: a Kafka topic may still hold messages encoded
 * before a table switched format) and inserted in one insert each, every insert carrying a
 * deduplication token derived from the batch's offsets, so redelivery after a failure
 * (or a crash between two table inserts) stores every row exactly once.
 */
export function createStoreWriter(store: Store, options: StoreWriterOptions) {
  return async function writeBatch(messages: BusMessage<IngestEnvelope>[], ctx: BatchContext): Promise<void> {
    let total = 0;
    await withStageSpan('ingest.write', { 'vigil.messages': messages.length }, async () => {
      for (const table of INGEST_TABLES) {
        for (const format of FORMATS) {
          const parts: Buffer[] = [];
          for (const message of messages) {
            const encoded = message.value.tables[table];
            if (!encoded || encoded.count === 0 || encoded.format !== format) continue;
            if (parts.length > 0) parts.push(NEWLINE);
            parts.push(encoded.body);
            total += encoded.count;
          }
          if (parts.length === 0) continue;
          // JSONEachRow keeps the token it always had, so batches redelivered across an upgrade still dedup.
          const token = `${options.tokenPrefix}${ctx.topic}/${ctx.partition}/${ctx.firstOffset}-${ctx.lastOffset}/${table}${format === 'JSONEachRow' ? '' : `/${format}`}`;
          const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
          await store.insertRows(table, body, { format, columns: format === 'JSONCompactEachRow' ? COMPACT_COLUMNS[table] : undefined, dedupToken: token });
        }
      }
    });
    ingestCounters.acceptedItems.add(total, { topic: ctx.topic });
  };
}

const NEWLINE = Buffer.from('\n');
