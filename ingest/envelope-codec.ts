import type { Codec } from './bus/bus.js';
import type { IngestEnvelope } from './pipeline.js';
import { INGEST_TABLES } from './rows.js';

/**
 * The bytes of an ingest envelope on Kafka: the per-table JSONEachRow exactly as the receiver
 * encoded it, framed, so a writer inserts it without parsing a row. (Row objects never cross
 * the process boundary; the KafkaBus compresses whole batches with gzip.)
 *
 *   "VGE1" | u8 tables | per table: u8 table index (INGEST_TABLES) | u32 rows | u32 bytes | JSONEachRow
 *
 * Decoding checks the framing and that each table has as many lines as it claims rows, so a
 * corrupt or foreign message is refused here (and dead-lettered) rather than half-inserted.
 */
const MAGIC = Buffer.from('VGE1', 'latin1');
const NEWLINE = 0x0a;

export const envelopeCodec: Codec<IngestEnvelope> = {
  encode(envelope) {
    const entries = INGEST_TABLES.flatMap((table, index) => {
      const encoded = envelope.tables[table];
      return encoded && encoded.count > 0 ? [{ index, encoded }] : [];
    });
    let size = MAGIC.length + 1;
    for (const { encoded } of entries) size += 9 + encoded.jsonEachRow.length;
    const out = Buffer.allocUnsafe(size);
    let at = MAGIC.copy(out, 0);
    out.writeUInt8(entries.length, at++);
    for (const { index, encoded } of entries) {
      out.writeUInt8(index, at);
      out.writeUInt32BE(encoded.count, at + 1);
      out.writeUInt32BE(encoded.jsonEachRow.length, at + 5);
      at += 9;
      at += encoded.jsonEachRow.copy(out, at);
    }
    return out;
  },

  decode(bytes) {
    if (bytes.length < MAGIC.length + 1 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not a Vigil envelope (bad magic)');
    const tables: IngestEnvelope['tables'] = {};
    const count = bytes.readUInt8(MAGIC.length);
    let at = MAGIC.length + 1;
    for (let i = 0; i < count; i++) {
      if (at + 9 > bytes.length) throw new Error('truncated envelope header');
      const table = INGEST_TABLES[bytes.readUInt8(at)];
      if (!table) throw new Error(`unknown table index ${bytes.readUInt8(at)}`);
      if (tables[table]) throw new Error(`table ${table} twice in one envelope`);
      const rows = bytes.readUInt32BE(at + 1);
      const length = bytes.readUInt32BE(at + 5);
      at += 9;
      if (at + length > bytes.length) throw new Error(`truncated rows of ${table}`);
      const jsonEachRow = bytes.subarray(at, at + length);
      at += length;
      if (rows === 0 || length === 0 || lineCount(jsonEachRow) !== rows) throw new Error(`${table}: row count does not match its JSONEachRow`);
      tables[table] = { count: rows, jsonEachRow };
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
