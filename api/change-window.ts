/**
 * A weekly change window, e.g. `Mon-Fri 09:00-17:00` or `Sat,Sun 00:00-06:00` (UTC), or
 * `always`. Real-target drills may be approved and run only inside it.
 */
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export type ChangeWindow = (ms: number) => boolean;

export function parseChangeWindow(text: string): ChangeWindow {
  const t = text.trim().toLowerCase();
  if (t === 'always') return () => true;
  const m = /^([a-z,-]+)\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(t);
  if (!m) throw new Error(`change window "${text}": expected e.g. "Mon-Fri 09:00-17:00" (UTC) or "always"`);
  const days = new Set<number>();
  for (const part of m[1].split(',')) {
    const [a, b] = part.split('-');
    const from = DAYS.indexOf(a);
    const to = b === undefined ? from : DAYS.indexOf(b);
    if (from < 0 || to < 0) throw new Error(`change window "${text}": unknown day in "${part}"`);
    for (let d = from; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === to) break;
    }
  }
  const start = Number(m[2]) * 60 + Number(m[3]);
  const end = Number(m[4]) * 60 + Number(m[5]);
  if (start >= end || end > 24 * 60) throw new Error(`change window "${text}": the hour range must go forward within a day`);
  return (ms) => {
    const d = new Date(ms);
    const minute = d.getUTCHours() * 60 + d.getUTCMinutes();
    return days.has(d.getUTCDay()) && minute >= start && minute < end;
  };
}
