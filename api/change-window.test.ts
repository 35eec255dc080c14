import { describe, expect, it } from 'vitest';
import { parseChangeWindow } from './change-window.js';

describe('change windows', () => {
  it('matches weekdays and hours in UTC', () => {
    const w = parseChangeWindow('Mon-Fri 09:00-17:00');
    expect(w(Date.UTC(2026, 10, 27, 9, 0))).toBe(true); // a Friday
    expect(w(Date.UTC(2026, 10, 27, 17, 0))).toBe(false);
    expect(w(Date.UTC(2026, 10, 28, 12, 0))).toBe(false); // Saturday
    expect(parseChangeWindow('Sat,Sun 00:00-06:00')(Date.UTC(2026, 10, 29, 5, 59))).toBe(true);
    expect(parseChangeWindow('Fri-Mon 00:00-24:00')(Date.UTC(2026, 10, 30, 12))).toBe(true); // wraps over the weekend
    expect(parseChangeWindow('always')(0)).toBe(true);
  });

  it.each(['weekdays', 'Mon-Fri 17:00-09:00', 'Mon-Funday 09:00-10:00'])('refuses %j', (text) => {
    expect(() => parseChangeWindow(text)).toThrow(/change window/);
  });
});
