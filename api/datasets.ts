import { queries, sandboxError, type Settings, type Store } from '../analytics/index.js';
import type { FlatConfig } from './config/schema.js';
import { VigilError } from './errors.js';

/**
 * Dataset exports: a curated view (analytics/queries/datasets.ts) over a time range, read
 * one time chunk at a time so memory holds one chunk, in the engine's own CSV, Arrow stream
 * or Parquet output. The queries are Vigil's (the view and time column come from the
 * registry), run read-only with the sandbox's time and memory limits and a row and byte cap
 * of their own, higher than an ad-hoc query's.
 */
export const EXPORT_FORMATS = {
  csv: { clickhouse: 'CSVWithNames', contentType: 'text/csv; charset=utf-8; header=present', extension: 'csv' },
  arrow: { clickhouse: 'ArrowStream', contentType: 'application/vnd.apache.arrow.stream', extension: 'arrows' },
  parquet: { clickhouse: 'Parquet', contentType: 'application/vnd.apache.parquet', extension: 'parquet' },
} as const;

export type ExportFormat = keyof typeof EXPORT_FORMATS;

export function isExportFormat(value: string): value is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, value);
}

export interface ExportLimits {
  maxExecutionSeconds: number;
  maxMemoryBytes: number;
  maxExportRows: number;
  maxExportBytes: number;
  chunkMs: number;
}

export function exportLimits(config: FlatConfig): ExportLimits {
  return {
    maxExecutionSeconds: config['sql.maxExecutionSeconds'],
    maxMemoryBytes: config['sql.maxMemoryBytes'],
    maxExportRows: config['datasets.maxExportRows'],
    maxExportBytes: config['datasets.maxExportBytes'],
    chunkMs: config['datasets.exportChunkMinutes'] * 60_000,
  };
}

/** [since, until) cut into chunks of chunkMs, aligned on since. */
export function timeChunks(range: queries.MsRange, chunkMs: number): queries.MsRange[] {
  const out: queries.MsRange[] = [];
  for (let t = range.sinceMs; t < range.untilMs; t += chunkMs) out.push({ sinceMs: t, untilMs: Math.min(range.untilMs, t + chunkMs) });
  return out;
}

export function findDatasetOrThrow(name: string): queries.Dataset {
  const dataset = queries.findDataset(name);
  if (!dataset) throw new VigilError('API_NOT_FOUND', `no dataset ${name}; GET /api/v1/datasets lists them`);
  return dataset;
}

export class DatasetExporter {
  constructor(
    private readonly store: Store,
    private readonly limits: ExportLimits,
  ) {}

  private settings(): Settings {
    return {
      readonly: 1,
      max_execution_time: this.limits.maxExecutionSeconds,
      timeout_overflow_mode: 'throw',
      max_result_rows: this.limits.maxExportRows,
      max_result_bytes: this.limits.maxExportBytes,
      result_overflow_mode: 'throw',
      max_memory_usage: this.limits.maxMemoryBytes,
    };
  }

  /**
   * The export as a sequence of byte chunks that concatenate into one valid file. CSV and
   * Arrow are read chunk by chunk; Parquet is one query (its footer indexes the whole file).
   */
  async *export(name: string, format: ExportFormat, range: queries.MsRange): AsyncGenerator<Buffer> {
    const dataset = findDatasetOrThrow(name);
    const chunks = format === 'parquet' ? [range] : timeChunks(range, this.limits.chunkMs);
    const join = format === 'arrow' ? new ArrowStreamJoiner() : format === 'csv' ? new CsvJoiner() : undefined;
    let bytes = 0;
    for (const chunk of chunks) {
      let out = await this.slice(dataset, EXPORT_FORMATS[format].clickhouse, chunk);
      if (join) out = join.next(out);
      bytes += out.length;
      if (bytes > this.limits.maxExportBytes) {
        throw new VigilError('SQL_RESULT_TOO_LARGE', `the export passed ${this.limits.maxExportBytes} bytes (datasets.maxExportBytes); export a shorter range`);
      }
      if (out.length > 0) yield out;
    }
    const end = join?.end();
    if (end && end.length > 0) yield end;
  }

  private async slice(dataset: queries.Dataset, format: string, range: queries.MsRange): Promise<Buffer> {
    try {
      return await queries.exportDatasetSlice(this.store, dataset, format, range, { settings: this.settings(), timeoutMs: (this.limits.maxExecutionSeconds + 10) * 1000 });
    } catch (err) {
      throw sandboxError(err);
    }
  }
}

/** CSVWithNames chunks → one CSV: the first header is kept, the others dropped. */
export class CsvJoiner {
  private headerSent = false;

  next(chunk: Buffer): Buffer {
    if (chunk.length === 0) return chunk;
    if (!this.headerSent) {
      this.headerSent = true;
      return chunk;
    }
    const newline = chunk.indexOf(0x0a);
    return newline < 0 ? Buffer.alloc(0) : chunk.subarray(newline + 1);
  }

  end(): Buffer {
    return Buffer.alloc(0);
  }
}

const CONTINUATION = 0xffffffff;

/**
 * Arrow IPC streams of the same schema → one stream: the first chunk's schema message, every
 * chunk's record batches, one end-of-stream marker. Each chunk is
 * `schema message, batch messages…, 0xFFFFFFFF 0x00000000`, a message being
 * `0xFFFFFFFF, int32 metadata length, metadata, body` (the schema has no body).
 * (Arrow columnar format spec, "IPC Streaming Format".)
 */
export class ArrowStreamJoiner {
  private schemaSent = false;

  next(chunk: Buffer): Buffer {
    if (chunk.length < 8) return Buffer.alloc(0);
    const batches = stripEndOfStream(chunk);
    if (!this.schemaSent) {
      this.schemaSent = true;
      return batches;
    }
    return batches.subarray(schemaMessageLength(batches));
  }

  end(): Buffer {
    if (!this.schemaSent) return Buffer.alloc(0);
    const eos = Buffer.alloc(8);
    eos.writeUInt32LE(CONTINUATION, 0);
    return eos;
  }
}

function schemaMessageLength(stream: Buffer): number {
  if (stream.readUInt32LE(0) !== CONTINUATION) throw new VigilError('INTERNAL', 'Arrow stream from the engine does not start with a message');
  return 8 + stream.readInt32LE(4);
}

function stripEndOfStream(stream: Buffer): Buffer {
  const n = stream.length;
  return n >= 8 && stream.readUInt32LE(n - 8) === CONTINUATION && stream.readInt32LE(n - 4) === 0 ? stream.subarray(0, n - 8) : stream;
}
