/** Ingest limits from configuration, shared by every receiver. */
export interface IngestLimits {
  maxBodyBytes: number;
  maxAttributes: number;
  maxStringBytes: number;
  maxBodyStringBytes: number;
  maxItemsPerRequest: number;
}
