import { describe, expect, it } from 'vitest';
import { lz4FrameDecompress } from './lz4.js';

/** Frames made by python-lz4's `lz4.frame.compress`, the library clickhouse-connect compresses with. */
const TEXT = `INSERT INTO t FORMAT JSONEachRow\n${'{"a":1}\n'.repeat(20)}`;

describe('LZ4 frame decompression', () => {
  it('reads a frame with overlapping matches, with and without content size and checksums', () => {
    expect(lz4FrameDecompress(Buffer.from('04224d186840c1000000000000007233000000ff19494e5345525420494e544f207420464f524d4154204a534f4e45616368526f770a7b2261223a317d08008150223a317d0a00000000', 'hex'), 1 << 20).toString()).toBe(TEXT);
    expect(lz4FrameDecompress(Buffer.from('04224d187c40c1000000000000009133000000ff19494e5345525420494e544f207420464f524d4154204a534f4e45616368526f770a7b2261223a317d08008150223a317d0a42c6c522000000008166dd4e', 'hex'), 1 << 20).toString()).toBe(TEXT);
  });

  it('reads a block stored uncompressed', () => {
    expect(lz4FrameDecompress(Buffer.from('04224d1868400300000000000000870300008061626300000000', 'hex'), 1 << 20).toString()).toBe('abc');
  });

  it('refuses what is not a frame, and output past the limit', () => {
    expect(() => lz4FrameDecompress(Buffer.from('not lz4 at all'), 1 << 20)).toThrow(/magic/);
    expect(() => lz4FrameDecompress(Buffer.from('04224d186840c1000000000000007233000000ff19494e5345525420494e544f207420464f524d4154204a534f4e45616368526f770a7b2261223a317d08008150223a317d0a00000000', 'hex'), 100)).toThrow(/larger than 100 bytes/);
  });
});
