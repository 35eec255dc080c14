import { describe, expect, it } from 'vitest';
import { parseRfc3339 } from './rfc3339.js';

describe('parseRfc3339', () => {
  it('reads UTC, offsets and up to nine fraction digits', () => {
    expect(parseRfc3339('1970-01-01T00:00:00Z')).toBe(0n);
    expect(parseRfc3339('2024-01-02T03:04:05.123456789Z')).toBe(1_704_164_645_123_456_789n);
    expect(parseRfc3339('2024-01-02t03:04:05.1z')).toBe(1_704_164_645_100_000_000n);
    expect(parseRfc3339('2024-01-02T03:04:05.1234567891234Z')).toBe(1_704_164_645_123_456_789n);
    expect(parseRfc3339('2024-01-01T22:04:05-05:00')).toBe(1_704_164_645_000_000_000n);
    expect(parseRfc3339('2024-02-29T00:00:00Z')).toBe(1_709_164_800_000_000_000n);
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000_000_000n);
  });

  it.each(['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00+25:00', 'yesterday', ''])(
    'refuses %j',
    (text) => expect(parseRfc3339(text)).toBeNull(),
  );
});
