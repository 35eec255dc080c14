import zlib from 'node:zlib';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../api/errors.js';
import { decompress } from './decompress.js';

function codeOf(run: () => unknown): ErrorCode {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return (err as VigilError).code;
  }
  throw new Error('expected a VigilError');
}

const text = Buffer.from('the quick brown fox jumps over the lazy dog '.repeat(200));
const MiB = 1024 * 1024;

describe('decompress: identity, gzip, deflate', () => {
  it('passes identity bodies through, bounded', () => {
    expect(decompress(text, undefined, MiB)).toBe(text);
    expect(decompress(text, 'identity', MiB)).toBe(text);
    expect(codeOf(() => decompress(text, '', 10))).toBe('INGEST_BODY_TOO_LARGE');
  });

  it('inflates gzip and both flavours of deflate', () => {
    expect(decompress(zlib.gzipSync(text), 'gzip', MiB)).toEqual(text);
    expect(decompress(zlib.gzipSync(text), ' X-GZIP ', MiB)).toEqual(text);
    expect(decompress(zlib.deflateSync(text), 'deflate', MiB)).toEqual(text);
    expect(decompress(zlib.deflateRawSync(text), 'deflate', MiB)).toEqual(text);
  });

  it('refuses a decompression bomb once its output passes the limit', () => {
    const bomb = zlib.gzipSync(Buffer.alloc(32 * MiB)); // ~1000:1
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(codeOf(() => decompress(bomb, 'gzip', MiB))).toBe('INGEST_BODY_TOO_LARGE');
    expect(codeOf(() => decompress(zlib.deflateSync(Buffer.alloc(16 * MiB)), 'deflate', MiB))).toBe('INGEST_BODY_TOO_LARGE');
    expect(codeOf(() => decompress(zlib.gzipSync(text), 'gzip', text.length - 1))).toBe('INGEST_BODY_TOO_LARGE');
    expect(decompress(zlib.gzipSync(text), 'gzip', text.length)).toEqual(text);
  });

  it('reports corrupt and truncated data as INGEST_BAD_COMPRESSION', () => {
    const gz = zlib.gzipSync(text);
    expect(codeOf(() => decompress(gz.subarray(0, gz.length - 10), 'gzip', MiB))).toBe('INGEST_BAD_COMPRESSION');
    expect(codeOf(() => decompress(Buffer.from('not gzip at all'), 'gzip', MiB))).toBe('INGEST_BAD_COMPRESSION');
    expect(codeOf(() => decompress(Buffer.alloc(0), 'gzip', MiB))).toBe('INGEST_BAD_COMPRESSION');
    expect(codeOf(() => decompress(Buffer.from([0x78, 0x9c, 1, 2, 3]), 'deflate', MiB))).toBe('INGEST_BAD_COMPRESSION');
  });

  it('refuses unknown encodings', () => {
    expect(codeOf(() => decompress(text, 'br', MiB))).toBe('INGEST_BAD_ENCODING');
    expect(codeOf(() => decompress(text, 'gzip, br', MiB))).toBe('INGEST_BAD_ENCODING');
  });
});

describe('decompress: snappy block format', () => {
  const mixed = Buffer.concat([text, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)), text]);

  it('round-trips what snappyjs compresses', () => {
    for (const input of [Buffer.alloc(0), Buffer.from('a'), text, mixed, Buffer.alloc(100_000, 7)]) {
      expect(decompress(Buffer.from(snappy.compress(input)), 'snappy', MiB)).toEqual(input);
    }
  });

  it('refuses a declared length above the limit before allocating it', () => {
    // Preamble varint 0xffffffff (4 GiB - 1) followed by one literal byte.
    const claim = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x41]);
    expect(codeOf(() => decompress(claim, 'snappy', MiB))).toBe('INGEST_BODY_TOO_LARGE');
    expect(codeOf(() => decompress(Buffer.from(snappy.compress(mixed)), 'snappy', mixed.length - 1))).toBe('INGEST_BODY_TOO_LARGE');
  });

  it('reports corrupt data as INGEST_BAD_COMPRESSION', () => {
    const good = Buffer.from(snappy.compress(mixed));
    const cases = [
      Buffer.alloc(0), // no preamble
      Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), // preamble longer than 5 bytes
      good.subarray(0, good.length - 5), // truncated
      Buffer.from([0x05, 0x00, 0x41]), // declares 5 bytes, produces 1
      Buffer.from([0x01, 0x04, 0x41, 0x41]), // produces more than declared
      Buffer.from([0x08, 0x01, 0x05, 0x06]), // copy from before the start of the output
      Buffer.from([0x04, 0x0d, 0x00]), // copy with offset 0
    ];
    for (const body of cases) expect(codeOf(() => decompress(body, 'snappy', MiB))).toBe('INGEST_BAD_COMPRESSION');
  });

  it('never throws anything but VigilError on mutated input', () => {
    const good = Buffer.from(snappy.compress(mixed));
    let seed = 99;
    const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 2000; round++) {
      const body = Buffer.from(good);
      for (let f = 0; f < 3; f++) body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
      try {
        decompress(body, 'snappy', MiB);
      } catch (err) {
        expect(err).toBeInstanceOf(VigilError);
      }
    }
  });
});
