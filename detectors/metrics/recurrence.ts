import { floorDiv } from './math.js';
import { DAY_MS } from './seasonal.js';

/**
 * Remembers, per time-of-day slot, the largest surprise of each of the last few days, so a
 * burst that recurs daily at about the same time (a nightly job, a daily spike whose exact
 * minute drifts, the edges of a daily square wave) stops alarming once it has happened on
 * each of the previous two days. A one-off event at the same hour the day before does not
 * count: it must have recurred on both days. Works on event time, so it needs no learned period.
 */
export interface DailyRecurrence {
  slots: number;
  /** [slot × DAYS_KEPT + day % DAYS_KEPT]: the largest surprise in that slot on that day. */
  maxima: Float64Array;
  /** The UTC day number each entry of `maxima` belongs to. */
  days: Int32Array;
}

/** Today plus the two completed days that are compared. */
const DAYS_KEPT = 3;

export function createRecurrence(slots: number): DailyRecurrence {
  return { slots, maxima: new Float64Array(slots * DAYS_KEPT), days: new Int32Array(slots * DAYS_KEPT).fill(-DAYS_KEPT) };
}

const PER_DAY_MS = 1 / DAY_MS;

/** ⌊phase × slots / day⌋, exact for integer ms, by floored division (% and / are far slower). */
function slotOf(r: DailyRecurrence, timestampMs: number, day: number): number {
  const phase = timestampMs - day * DAY_MS;
  return Math.min(r.slots - 1, floorDiv(phase * r.slots, DAY_MS, PER_DAY_MS));
}

/**
 * The surprise seen around this time of day (this slot or a neighbour) on both of the last
 * two days: the smaller of the two days' maxima.
 */
export function recurringSurprise(r: DailyRecurrence, timestampMs: number): number {
  const day = floorDiv(timestampMs, DAY_MS, PER_DAY_MS);
  const slot = slotOf(r, timestampMs, day);
  let yesterday = 0;
  let dayBefore = 0;
  for (let j = -1; j <= 1; j++) {
    const base = ((slot + j + r.slots) % r.slots) * DAYS_KEPT;
    for (let k = 0; k < DAYS_KEPT; k++) {
      const age = day - r.days[base + k];
      if (age === 1) yesterday = Math.max(yesterday, r.maxima[base + k]);
      else if (age === 2) dayBefore = Math.max(dayBefore, r.maxima[base + k]);
    }
  }
  return Math.min(yesterday, dayBefore);
}

export function learnRecurrence(r: DailyRecurrence, timestampMs: number, surprise: number): void {
  const day = floorDiv(timestampMs, DAY_MS, PER_DAY_MS);
  const i = slotOf(r, timestampMs, day) * DAYS_KEPT + (((day % DAYS_KEPT) + DAYS_KEPT) % DAYS_KEPT);
  if (r.days[i] !== day) {
    r.days[i] = day;
    r.maxima[i] = surprise;
  } else if (surprise > r.maxima[i]) {
    r.maxima[i] = surprise;
  }
}
