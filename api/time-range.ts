import { VigilError } from './errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a time as users write it (Grafana-style): `now`, `now-15m`, RFC 3339, or a
 * Unix epoch in seconds, milliseconds or nanoseconds (told apart by magnitude).
 * Returns nanoseconds since the epoch.
 */
export function parseTimeNs(name: string, raw: string, nowMs: number): bigint {
  const text = raw.trim();
  const relative = /^now(?:([+-])(\d+)([smhdw]))?$/.exec(text);
  if (relative) {
    const offset = relative[1] ? Number(relative[2]) * UNIT_MS[relative[3]] * (relative[1] === '-' ? -1 : 1) : 0;
    return BigInt(nowMs + offset) * 1_000_000n;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    const [whole] = text.split('.');
    const n = BigInt(whole);
    if (whole.length <= 11) return BigInt(Math.round(Number(text) * 1000)) * 1_000_000n; // seconds
    if (whole.length <= 14) return n * 1_000_000n; // milliseconds
    return n; // nanoseconds
  }
  const ms = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && Number.isFinite(ms)) {
    const frac = /\.(\d+)/.exec(text)?.[1] ?? '';
    const subMsNs = frac.length > 3 ? BigInt(frac.slice(3, 9).padEnd(6, '0')) : 0n;
    return BigInt(ms) * 1_000_000n + subMsNs;
  }
  throw new VigilError('API_BAD_REQUEST', `${name}: expected RFC 3339, a Unix epoch, or now-<n><s|m|h|d|w>, got "${raw}"`);
}

export interface TimeRange {
  sinceNs: bigint;
  untilNs: bigint;
}

/** `since`/`until` query parameters with defaults (the last hour), validated as a range. */
export function parseRange(query: { since?: string; until?: string }, defaultSince = 'now-1h', nowMs = Date.now()): TimeRange {
  const sinceNs = parseTimeNs('since', query.since ?? defaultSince, nowMs);
  const untilNs = parseTimeNs('until', query.until ?? 'now', nowMs);
  if (untilNs <= sinceNs) throw new VigilError('API_BAD_REQUEST', 'until must be after since');
  return { sinceNs, untilNs };
}
