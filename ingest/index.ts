export type { Bus, BusMessage, BatchContext, Codec, SubscribeOptions, Subscription } from './bus/bus.js';
export { BusFullError } from './bus/bus.js';
export { MemoryBus } from './bus/memory-bus.js';
export { createEmbeddedBus, type EmbeddedBusOptions } from './embedded-bus.js';
export { IngestPipeline, QueueFullError, TOPICS, countRows, encodeEnvelope, envelopeRows, type EncodedRows, type IngestEnvelope, type Signal } from './pipeline.js';
export * from './decode/index.js';
export { createStoreWriter, type StoreWriterOptions } from './writer.js';
export { registerReceivers, type IngestLimits } from './receivers/index.js';
export * from './rows.js';
