/** One configuration for every kind of log; bounds make memory independent of stream length. */
export interface MinerOptions {
  /** Share of positions that must agree for a line to join a group (Drain's `st`, its default 0.5). */
  similarityThreshold: number;
  /** Distinct words a position may show before it is a variable; fewer print as separate templates. */
  maxEnumValues: number;
  /** The same for positions whose values are structured (dotted, masked, punctuated) rather than plain words. */
  maxStructuredEnumValues: number;
  /** Consecutive variables at or above this count are one variable-length list. */
  listRunLength: number;
  /** Groups per token-count bucket; the least recently used is evicted beyond it. */
  maxClustersPerBucket: number;
  /** Groups in total; the least recently used is evicted beyond it. */
  maxClusters: number;
  /** Templates one group may print; beyond it the busiest enumeration becomes a variable. */
  maxTemplatesPerCluster: number;
  /** Remembered line shapes (masked word sequences) that skip the similarity search. */
  shapeCacheSize: number;
  /** Old-id → new-id entries kept so ids handed out earlier still resolve. */
  maxMergeEntries: number;
}

export const MINER_DEFAULTS: MinerOptions = {
  similarityThreshold: 0.5,
  maxEnumValues: 8,
  maxStructuredEnumValues: 3,
  listRunLength: 7,
  maxClustersPerBucket: 1000,
  maxClusters: 50_000,
  maxTemplatesPerCluster: 64,
  shapeCacheSize: 32_768,
  maxMergeEntries: 200_000,
};
