import { MemoryBus } from './bus/memory-bus.js';
import { envelopeRows, type IngestEnvelope } from './pipeline.js';

export interface EmbeddedBusOptions {
  maxQueuedItems: number;
  maxBatchItems: number;
  lingerMs: number;
  retryAfterMs?: number;
}

/** The in-process bus of embedded mode, weighing each message by its row count. */
export function createEmbeddedBus(options: EmbeddedBusOptions): MemoryBus<IngestEnvelope> {
  return new MemoryBus<IngestEnvelope>({
    maxQueuedItems: options.maxQueuedItems,
    maxBatchItems: options.maxBatchItems,
    // Message count is bounded by items; this only stops a flood of empty-ish requests.
    maxQueuedMessages: 100_000,
    maxBatchMessages: 10_000,
    lingerMs: options.lingerMs,
    retryAfterMs: options.retryAfterMs,
    weightOf: (message) => envelopeRows(message.value),
  });
}
