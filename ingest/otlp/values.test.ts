import { describe, expect, it } from 'vitest';
import { nanoTime } from '../rows.js';
import { FieldPath } from './field-path.js';
import type { Int64 } from './messages.js';
import { durationNanos, idToHex, int64ToDecimal, int64ToNanoTime, int64ToNumber } from './values.js';

function int64(value: bigint, unsigned = true): Int64 {
  const bits = BigInt.asUintN(64, value);
  return { low: Number(bits & 0xffffffffn) | 0, high: Number(bits >> 32n) | 0, unsigned };
}

describe('64-bit conversions without precision loss', () => {
  it('formats nanosecond times exactly like nanoTime(bigint), across the whole uint64 range', () => {
    let seed = 7n;
    const samples = [0n, 1n, 999_999_999n, 1_000_000_000n, 1_700_000_000_123_456_789n, 2n ** 53n + 1n, 2n ** 64n - 1n];
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n;
      samples.push(seed);
    }
    for (const ns of samples) expect(int64ToNanoTime(int64(ns))).toBe(nanoTime(ns));
  });

  it('writes signed and unsigned integers as every digit', () => {
    expect(int64ToDecimal(int64(9_007_199_254_740_993n))).toBe('9007199254740993');
    expect(int64ToDecimal(int64(2n ** 64n - 1n))).toBe('18446744073709551615');
    expect(int64ToDecimal(int64(-5n, false))).toBe('-5');
    expect(int64ToDecimal(int64(-(2n ** 63n), false))).toBe('-9223372036854775808');
    expect(int64ToDecimal(int64(-(2n ** 40n), false))).toBe('-1099511627776');
    expect(int64ToNumber(int64(-(2n ** 40n), false))).toBe(-(2 ** 40));
  });

  it('computes durations exactly, short or long, and refuses negative ones', () => {
    const start = 1_700_000_000_000_000_000n;
    expect(durationNanos(int64(start), int64(start + 1n))).toBe('1');
    expect(durationNanos(int64(start), int64(start + 2n ** 60n + 3n))).toBe((2n ** 60n + 3n).toString());
    expect(durationNanos(int64(start), int64(start - 1n))).toBeNull();
    expect(durationNanos(int64(0n), int64(0n))).toBe('0');
  });
});

describe('idToHex', () => {
  it('writes lowercase hex, empty for absent ids, and names the field for other sizes', () => {
    const path = new FieldPath();
    path.enter('spans');
    path.at(2);
    expect(idToHex(Buffer.from('00ff10ab00ff10ab', 'hex'), 8, path, 'spanId')).toBe('00ff10ab00ff10ab');
    expect(idToHex(new Uint8Array(0), 16, path, 'traceId')).toBe('');
    expect(() => idToHex(new Uint8Array(3), 8, path, 'spanId')).toThrow('spans[2].spanId: expected 8 bytes, got 3');
  });
});
