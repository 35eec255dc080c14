import { VigilError } from '../../api/errors.js';

/**
 * Snappy block-format decompression (the framing Prometheus remote write uses),
 * written here rather than taken from snappyjs so that every bound is checked:
 * the declared length is read from the preamble and refused before anything is
 * allocated, every copy stays inside the input and the output, and the output
 * must come out exactly as long as declared.
 * Format: https://github.com/google/snappy/blob/main/format_description.txt
 */
export function snappyUncompress(input: Uint8Array, maxBytes: number): Buffer {
  const { length, pos: start } = readPreamble(input);
  if (length > maxBytes) {
    throw new VigilError(
      'INGEST_BODY_TOO_LARGE',
      `snappy body declares ${length} bytes uncompressed, more than limits.maxBodyBytes (${maxBytes})`,
    );
  }
  const out = Buffer.allocUnsafe(length);
  let pos = start;
  let outPos = 0;
  const end = input.length;
  while (pos < end) {
    const tag = input[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60; // 1..4 little-endian bytes hold len - 1
        if (pos + extra > end) throw corrupt('literal length runs past the end');
        len = 0;
        for (let i = extra - 1; i >= 0; i--) len = len * 256 + input[pos + i];
        len += 1;
        pos += extra;
      }
      if (pos + len > end) throw corrupt('literal runs past the end of the input');
      if (outPos + len > length) throw corrupt('output longer than the declared length');
      out.set(input.subarray(pos, pos + len), outPos);
      pos += len;
      outPos += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos + 1 > end) throw corrupt('copy runs past the end of the input');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos];
      pos += 1;
    } else if (kind === 2) {
      if (pos + 2 > end) throw corrupt('copy runs past the end of the input');
      len = (tag >>> 2) + 1;
      offset = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw corrupt('copy runs past the end of the input');
      len = (tag >>> 2) + 1;
      offset = (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16)) + input[pos + 3] * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > outPos) throw corrupt('copy offset outside the output');
    if (outPos + len > length) throw corrupt('output longer than the declared length');
    if (offset >= len) {
      out.copy(out, outPos, outPos - offset, outPos - offset + len);
    } else {
      // Overlapping copy repeats the last `offset` bytes: byte by byte by definition.
      for (let i = 0; i < len; i++) out[outPos + i] = out[outPos - offset + i];
    }
    outPos += len;
  }
  if (outPos !== length) throw corrupt(`output is ${outPos} bytes, the preamble declared ${length}`);
  return out;
}

/** The preamble: the uncompressed length as a little-endian base-128 varint of at most 32 bits. */
function readPreamble(input: Uint8Array): { length: number; pos: number } {
  let length = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= input.length) throw corrupt('truncated length preamble');
    const b = input[i];
    length += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) {
      if (length > 0xffffffff) throw corrupt('length preamble exceeds 32 bits');
      return { length, pos: i + 1 };
    }
  }
  throw corrupt('length preamble longer than 5 bytes');
}

function corrupt(why: string): VigilError {
  return new VigilError('INGEST_BAD_COMPRESSION', `snappy: ${why}`);
}
