import type { Random } from './random.js';

/** Values of a log line's fixed placeholders: the request's own numbers and names. */
export type LineValues = Partial<Record<'ms' | 'route' | 'service' | 'callee' | 'errorType' | 'address' | 'port' | 'status', string | number>>;

const RANDOM_PLACEHOLDERS: Record<string, (rng: Random) => string> = {
  id: (rng) => String(rng.int(10_000, 99_999)),
  user: (rng) => `user-${rng.int(1000, 9999)}`,
  sku: (rng) => `SKU-${rng.int(10_000, 99_999)}`,
  amount: (rng) => (rng.int(500, 50_000) / 100).toFixed(2),
  n: (rng) => String(rng.int(1, 5)),
  hex: (rng) => rng.hex(6),
};

/**
 * Fills `{name}` placeholders: the ones in `values` from the request, `{id}`, `{user}`,
 * `{sku}`, `{amount}`, `{n}` and `{hex}` with fresh random values, so that lines of one
 * template differ only where a real service's would.
 */
export function renderLine(template: string, rng: Random, values: LineValues = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const given = values[name as keyof LineValues];
    if (given !== undefined) return String(given);
    const random = RANDOM_PLACEHOLDERS[name];
    return random ? random(rng) : whole;
  });
}

/** Milliseconds as a service would log them: whole above 10 ms, one decimal below. */
export function formatMs(ms: number): string {
  return ms >= 10 ? String(Math.round(ms)) : ms.toFixed(1);
}
