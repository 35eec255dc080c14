/** Time ranges as the API takes them (Grafana-style `now-1h`, RFC 3339 or epoch) and their display. */
export const PRESETS = [
  { from: 'now-15m', label: 'Last 15 minutes' },
  { from: 'now-1h', label: 'Last 1 hour' },
  { from: 'now-6h', label: 'Last 6 hours' },
  { from: 'now-24h', label: 'Last 24 hours' },
  { from: 'now-7d', label: 'Last 7 days' },
];
export const DEFAULT_FROM = 'now-1h';
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds for `now`, `now-<n><unit>`, an epoch (s or ms) or an ISO date; NaN when unreadable. */
export function toMs(text, nowMs = Date.now()) {
  const t = String(text ?? '').trim();
  const rel = /^now(?:([+-])(\d+)([smhdw]))?$/.exec(t);
  if (rel) return nowMs + (rel[1] ? Number(rel[2]) * UNIT_MS[rel[3]] * (rel[1] === '-' ? -1 : 1) : 0);
  if (/^\d+$/.test(t)) return t.length <= 11 ? Number(t) * 1000 : Number(t);
  return Date.parse(t);
}

export function isValidTime(text) {
  return Number.isFinite(toMs(text));
}

export function isRelative(range) {
  return range.to === 'now' && range.from.startsWith('now');
}

export function rangeLabel(range) {
  const preset = range.to === 'now' && PRESETS.find((p) => p.from === range.from);
  if (preset) return preset.label;
  if (range.to === 'now' && range.from.startsWith('now-')) return `Last ${range.from.slice(4)}`;
  return `${fmtDateTime(toMs(range.from))} → ${range.to === 'now' ? 'now' : fmtDateTime(toMs(range.to))}`;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');
export function fmtTime(ms) {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
export function fmtTimeMs(ms) {
  return `${fmtTime(ms)}.${pad(new Date(ms).getMilliseconds(), 3)}`;
}
export function fmtDateTime(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
/** A short time for lists: HH:MM:SS today, otherwise with the date. */
export function fmtWhen(ms) {
  const d = new Date(ms);
  return d.toDateString() === new Date().toDateString() ? fmtTime(ms) : `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
export function fmtDuration(ms) {
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ${Math.round((ms % 60_000) / 1000)}s`;
  return `${Math.floor(ms / 3_600_000)}h ${Math.round((ms % 3_600_000) / 60_000)}m`;
}
export function fmtNumber(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 100 || Number.isInteger(n)) return String(Math.round(n));
  return n.toPrecision(3);
}
