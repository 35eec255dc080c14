import type { Store } from '../analytics/index.js';
import type { BatchContext, BusMessage } from './bus/bus.js';
import type { IngestEnvelope } from './pipeline.js';
import { INGEST_TABLES, type IngestTable } from './rows.js';
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
 * The writer stage: one group commit per bus batch. Rows of all messages in the batch
 * are concatenated per table and inserted as JSONEachRow, each insert carrying a
 * deduplication token derived from the batch's offsets, so redelivery after a failure
 * (or a crash between two table inserts) stores every row exactly once.
 */
export function createStoreWriter(store: Store, options: StoreWriterOptions) {
  return async function writeBatch(messages: BusMessage<IngestEnvelope>[], ctx: BatchContext): Promise<void> {
    const lines = new Map<IngestTable, string[]>();
    let total = 0;
    for (const message of messages) {
      for (const table of INGEST_TABLES) {
        const rows = message.value.rows[table];
        if (!rows || rows.length === 0) continue;
        let list = lines.get(table);
        if (!list) lines.set(table, (list = []));
        for (const row of rows) list.push(JSON.stringify(row));
        total += rows.length;
      }
    }
    await withStageSpan('ingest.write', { 'vigil.items': total, 'vigil.messages': messages.length }, async () => {
      for (const [table, list] of lines) {
        const token = `${options.tokenPrefix}${ctx.topic}/${ctx.partition}/${ctx.firstOffset}-${ctx.lastOffset}/${table}`;
        await store.insertJsonEachRow(table, Buffer.from(list.join('\n'), 'utf8'), { dedupToken: token });
      }
    });
    ingestCounters.acceptedItems.add(total, { topic: ctx.topic });
  };
}
