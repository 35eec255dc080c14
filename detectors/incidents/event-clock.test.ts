import { describe, expect, it } from 'vitest';
import { EventClock } from './event-clock.js';

const T0 = Date.UTC(2026, 0, 1, 12);
const batch = (entries: Array<[string, number]>) => new Map(entries);

describe('event clock for incident ticks', () => {
  it('moves with the fleet, however far ahead of the wall clock its data is', () => {
    const clock = new EventClock();
    const ahead = Date.now() + 45 * 60_000; // a drill writing 45 min ahead of the wall clock
    clock.observe(batch([['frontend', ahead], ['checkout', ahead - 500], ['payments', ahead - 1000]]));
    expect(clock.nowMs()).toBe(ahead - 500);
  });

  it('one sender whose clock runs a year ahead does not move it', () => {
    const clock = new EventClock();
    clock.observe(batch([['a', T0], ['b', T0 + 1000], ['c', T0 + 2000]]));
    clock.observe(batch([['skewed', T0 + 365 * 86_400_000]]));
    expect(clock.nowMs()).toBe(T0 + 1000);
  });

  it('forgets services not heard from for a while, so a gone service does not hold it back', () => {
    const clock = new EventClock({ recentBatches: 2, maxServices: 100 });
    clock.observe(batch([['gone', T0]]));
    for (let i = 1; i <= 3; i++) clock.observe(batch([['a', T0 + i * 60_000], ['b', T0 + i * 60_000]]));
    expect(clock.nowMs()).toBe(T0 + 3 * 60_000);
  });
});
