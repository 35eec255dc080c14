import type { Store } from '../analytics/index.js';
import type { BatchContext, BusMessage } from './bus/bus.js';
import type { IngestEnvelope } from './pipeline.js';
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

/**
 * The writer stage: one group commit per bus batch. The JSONEachRow of all messages in
 * the batch is concatenated per table and inserted in one insert per table, each insert carrying a
 * deduplication token derived from the batch's offsets, so redelivery after a failure
 * (or a crash between two table inserts) stores every row exactly once.
 */
export function createStoreWriter(store: Store, options: StoreWriterOptions) {
  return async function writeBatch(messages: BusMessage<IngestEnvelope>[], ctx: BatchContext): Promise<void> {
    let total = 0;
    await withStageSpan('ingest.write', { 'vigil.messages': messages.length }, async () => {
      for (const table of INGEST_TABLES) {
        const parts: Buffer[] = [];
        for (const message of messages) {
          const encoded = message.value.tables[table];
          if (!encoded || encoded.count === 0) continue;
          if (parts.length > 0) parts.push(NEWLINE);
          parts.push(encoded.jsonEachRow);
          total += encoded.count;
        }
        if (parts.length === 0) continue;
        const token = `${options.tokenPrefix}${ctx.topic}/${ctx.partition}/${ctx.firstOffset}-${ctx.lastOffset}/${table}`;
        await store.insertJsonEachRow(table, parts.length === 1 ? parts[0] : Buffer.concat(parts), { dedupToken: token });
      }
    });
    ingestCounters.acceptedItems.add(total, { topic: ctx.topic });
  };
}

const NEWLINE = Buffer.from('\n');
