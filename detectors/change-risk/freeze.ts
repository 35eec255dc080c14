/**
 * Change-freeze calendar (`changeRisk.freezeWindows`): a list of windows, each either
 * weekly, `Fri 16:00-Mon 08:00` (UTC; may wrap past Sunday), or absolute,
 * `2026-12-20T00:00:00Z/2027-01-04T00:00:00Z` (ISO 8601 interval, start inclusive).
 */
export interface FreezeWindow {
  text: string;
  contains(ms: number): boolean;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const WEEKLY = /^([a-z]{3})\s+(\d{1,2}):(\d{2})\s*-\s*([a-z]{3})\s+(\d{1,2}):(\d{2})$/i;
const WEEK_MINUTES = 7 * 24 * 60;

/** Parses one window; throws an Error naming it when it does not parse. */
export function parseFreezeWindow(text: string): FreezeWindow {
  const trimmed = text.trim();
  return weekly(trimmed) ?? absolute(trimmed) ?? fail(trimmed);
}

/** The first window containing `ms`, or null. */
export function freezeWindowAt(windows: readonly FreezeWindow[], ms: number): FreezeWindow | null {
  return windows.find((w) => w.contains(ms)) ?? null;
}

function weekly(text: string): FreezeWindow | null {
  const m = WEEKLY.exec(text);
  if (!m) return null;
  const start = minuteOfWeek(m[1], m[2], m[3]);
  const end = minuteOfWeek(m[4], m[5], m[6]);
  if (start === null || end === null) return null;
  return {
    text,
    contains(ms) {
      const d = new Date(ms);
      const minute = ((d.getUTCDay() + 6) % 7) * 24 * 60 + d.getUTCHours() * 60 + d.getUTCMinutes();
      return start <= end ? minute >= start && minute < end : minute >= start || minute < end;
    },
  };
}

function minuteOfWeek(day: string, hour: string, minute: string): number | null {
  const d = DAYS.indexOf(day.toLowerCase());
  const h = Number(hour);
  const min = Number(minute);
  if (d < 0 || h > 23 || min > 59) return null;
  return (d * 24 * 60 + h * 60 + min) % WEEK_MINUTES;
}

function absolute(text: string): FreezeWindow | null {
  const [from, to, extra] = text.split('/');
  if (extra !== undefined || to === undefined) return null;
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(from) || !/^\d{4}-\d{2}-\d{2}T/.test(to) || !Number.isFinite(start) || !Number.isFinite(end) || end <= start) return null;
  return { text, contains: (ms) => ms >= start && ms < end };
}

function fail(text: string): never {
  throw new Error(`freeze window "${text}": expected "Fri 16:00-Mon 08:00" (UTC, weekly) or "2026-12-20T00:00:00Z/2027-01-04T00:00:00Z"`);
}
