import { describe, expect, it } from 'vitest';
import { parseRange, parseTimeNs } from './time-range.js';

describe('parseTimeNs', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('reads relative, RFC 3339 and epoch forms', () => {
    expect(parseTimeNs('since', 'now', now)).toBe(BigInt(now) * 1_000_000n);
    expect(parseTimeNs('since', 'now-15m', now)).toBe(BigInt(now - 900_000) * 1_000_000n);
    expect(parseTimeNs('since', '2026-01-01T12:00:00.123456789Z', now)).toBe(BigInt(now) * 1_000_000n + 123_456_789n);
    expect(parseTimeNs('since', '1767268800', now)).toBe(BigInt(now) * 1_000_000n);
    expect(parseTimeNs('since', '1767268800000', now)).toBe(BigInt(now) * 1_000_000n);
    expect(parseTimeNs('since', '1767268800000000001', now)).toBe(1767268800000000001n);
  });
  it('refuses nonsense with the parameter named', () => {
    expect(() => parseTimeNs('until', 'yesterday', now)).toThrow(/until/);
    expect(() => parseRange({ since: 'now', until: 'now-1h' })).toThrow(/until must be after since/);
  });
});
