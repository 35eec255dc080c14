/**
 * LZ4 frame decompression (the `Content-Encoding: lz4` that clickhouse-connect sends by
 * default), after the LZ4 Frame Format Description v1.6.x and the LZ4 Block Format
 * Description (github.com/lz4/lz4/doc). Blocks may be linked (a match may reach into the
 * blocks before it), so the whole frame decodes into one buffer. Checksums are not verified:
 * TCP and the engine's own parsing of the rows catch corruption.
 */
const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_MAX_BYTES = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

export function lz4FrameDecompress(input: Buffer, maxOutputBytes: number): Buffer {
  const out = new Output(maxOutputBytes);
  let pos = 0;
  while (pos < input.length) {
    const magic = input.readUInt32LE(pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
      pos += 8 + input.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== FRAME_MAGIC) throw new Error('not an LZ4 frame (bad magic number)');
    const flags = input[pos + 4];
    if (flags >> 6 !== 1) throw new Error('unsupported LZ4 frame version');
    if (flags & 0x01) throw new Error('LZ4 frames with a dictionary are not supported');
    const blockChecksum = (flags & 0x10) !== 0;
    const contentSize = (flags & 0x08) !== 0;
    const contentChecksum = (flags & 0x04) !== 0;
    const maxBlockBytes = BLOCK_MAX_BYTES[(input[pos + 5] >> 4) & 7] || maxOutputBytes;
    pos += 6 + (contentSize ? 8 : 0) + 1; // FLG, BD, [content size], header checksum
    for (;;) {
      const word = input.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break; // end mark
      const size = word & 0x7fffffff;
      const block = input.subarray(pos, pos + size);
      if ((word & 0x80000000) !== 0) out.append(block);
      else decodeBlock(block, out, maxBlockBytes);
      pos += size + (blockChecksum ? 4 : 0);
    }
    if (contentChecksum) pos += 4;
  }
  return out.bytes();
}

class Output {
  buf = Buffer.allocUnsafe(64 << 10);
  length = 0;

  constructor(private readonly maxBytes: number) {}

  reserve(extra: number): void {
    const need = this.length + extra;
    if (need > this.maxBytes) throw new Error(`the decompressed body is larger than ${this.maxBytes} bytes`);
    if (need <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.min(this.maxBytes, Math.max(need, this.buf.length * 2)));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  append(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.length);
    this.length += bytes.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/** One LZ4 block: sequences of (literals, match offset, match length). */
function decodeBlock(src: Buffer, out: Output, maxBlockBytes: number): void {
  out.reserve(Math.min(maxBlockBytes, src.length * 255));
  const start = out.length;
  let s = 0;
  while (s < src.length) {
    const token = src[s++];
    let literals = token >> 4;
    if (literals === 15) for (let b = 255; b === 255; literals += b) b = src[s++];
    if (s + literals > src.length) throw new Error('corrupt LZ4 block (literals)');
    out.append(src.subarray(s, s + literals));
    s += literals;
    if (s >= src.length) break; // the last sequence has literals only
    const offset = src[s] | (src[s + 1] << 8);
    s += 2;
    let length = (token & 15) + 4;
    if ((token & 15) === 15) for (let b = 255; b === 255; length += b) b = src[s++];
    if (offset === 0 || offset > out.length) throw new Error('corrupt LZ4 block (match)');
    if (out.length - start + length > maxBlockBytes) throw new Error('corrupt LZ4 block (longer than the frame\'s block size)');
    out.reserve(length);
    // Byte by byte: a match may overlap the bytes it is copying (offset < length).
    const buf = out.buf;
    for (let i = 0, d = out.length; i < length; i++, d++) buf[d] = buf[d - offset];
    out.length += length;
  }
}
