import type { Codec } from './bus/bus.js';
import type { IngestEnvelope, RowFormat } from './pipeline.js';
import { INGEST_TABLES } from './rows.js';

/**
 * The bytes of an ingest envelope on Kafka: each table's rows exactly as the receiver
 * encoded them, framed, so a writer inserts them without parsing a row. (Row objects never
 * cross the process boundary; the KafkaBus compresses whole batches with gzip.)
 *
 *   "VGE2" | u8 tables | per table: u8 table index (INGEST_TABLES) | u8 format (FORMATS) | u32 rows | u32 bytes | rows
 *
 * "VGE1" (before tables could be encoded compactly) has no format byte: every table is
 * JSONEachRow; it is still read, so messages written by an older gateway are stored.
 * Decoding checks the framing and that each table has as many lines as it claims rows, so a
 * corrupt or foreign message is refused here (and dead-lettered) rather than half-inserted.
 */
const MAGIC = Buffer.from('VGE2', 'latin1');
const MAGIC_V1 = Buffer.from('VGE1', 'latin1');
const FORMATS: readonly RowFormat[] = ['JSONEachRow', 'JSONCompactEachRow'];
const NEWLINE = 0x0a;

export const envelopeCodec: Codec<IngestEnvelope> = {
  encode(envelope) {
    const entries = INGEST_TABLES.flatMap((table, index) => {
      const encoded = envelope.tables[table];
      return encoded && encoded.count > 0 ? [{ index, encoded }] : [];
    });
    let size = MAGIC.length + 1;
    for (const { encoded } of entries) size += 10 + encoded.body.length;
    const out = Buffer.allocUnsafe(size);
    let at = MAGIC.copy(out, 0);
    out.writeUInt8(entries.length, at++);
    for (const { index, encoded } of entries) {
      out.writeUInt8(index, at);
      out.writeUInt8(FORMATS.indexOf(encoded.format), at + 1);
      out.writeUInt32BE(encoded.count, at + 2);
      out.writeUInt32BE(encoded.body.length, at + 6);
      at += 10;
      at += encoded.body.copy(out, at);
    }
    return out;
  },

  decode(bytes) {
    const head = bytes.subarray(0, MAGIC.length);
    const v1 = head.equals(MAGIC_V1);
    if (bytes.length < MAGIC.length + 1 || !(v1 || head.equals(MAGIC))) throw new Error('not a Vigil envelope (bad magic)');
    const headerBytes = v1 ? 9 : 10;
    const tables: IngestEnvelope['tables'] = {};
    const count = bytes.readUInt8(MAGIC.length);
    let at = MAGIC.length + 1;
    for (let i = 0; i < count; i++) {
      if (at + headerBytes > bytes.length) throw new Error('truncated envelope header');
      const table = INGEST_TABLES[bytes.readUInt8(at)];
      if (!table) throw new Error(`unknown table index ${bytes.readUInt8(at)}`);
      if (tables[table]) throw new Error(`table ${table} twice in one envelope`);
      const format = v1 ? 'JSONEachRow' : FORMATS[bytes.readUInt8(at + 1)];
      if (!format) throw new Error(`unknown row format ${bytes.readUInt8(at + 1)} for ${table}`);
      const rows = bytes.readUInt32BE(at + headerBytes - 8);
      const length = bytes.readUInt32BE(at + headerBytes - 4);
      at += headerBytes;
      if (at + length > bytes.length) throw new Error(`truncated rows of ${table}`);
      const body = bytes.subarray(at, at + length);
      at += length;
      if (rows === 0 || length === 0 || lineCount(body) !== rows) throw new Error(`${table}: row count does not match its ${format}`);
      tables[table] = { count: rows, format, body };
    }
    if (at !== bytes.length) throw new Error('trailing bytes after envelope');
    return { tables };
  },
};

function lineCount(buffer: Buffer): number {
  let lines = 1;
  for (let i = buffer.indexOf(NEWLINE); i >= 0; i = buffer.indexOf(NEWLINE, i + 1)) lines++;
  return lines;
}
