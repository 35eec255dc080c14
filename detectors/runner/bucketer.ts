import { accumulate, closeMinute, type Accumulator, type Carry } from './accumulate.js';
import type { Observation } from './extract.js';
import { Lru } from './lru.js';
import { MINUTE_MS, minuteOf, seriesKey, type SeriesPoint } from './series.js';

/**
 * Event-time minute buckets. Each source accumulates per minute; a minute closes once
 * its clock (all sources of one service and signal family, e.g. `metric:checkout`) has
 * seen event time `lagMs` past the minute's end, so data out of order by less than the
 * lag lands in its minute. Data for a minute already closed is dropped and counted.
 * Sharing a clock per service lets a quiet series (no errors this minute) close when the
 * rest of its service moves on. No wall clock: replayed history closes minutes exactly
 * as live data would.
 */
export interface BucketerOptions {
  lagMs: number;
  /** Bound on the sources remembered (least recently seen are forgotten). */
  maxSources: number;
}

interface SourceState {
  base: Observation['base'];
  clock: string;
  open: Map<number, Accumulator>;
  /** Start of the newest closed minute, or -Infinity. */
  closedThroughMs: number;
  carry: Carry | undefined;
}

interface Clock {
  watermarkMs: number;
  /** Minutes up to this start have been closed for every source of the clock. */
  sweptThroughMs: number;
  sources: Set<string>;
}

export class MinuteBucketer {
  private readonly sources: Lru<SourceState>;
  private readonly clocks = new Map<string, Clock>();
  private readonly dirty = new Set<string>();
  /** Observations dropped because their minute had closed. */
  lateDropped = 0;

  constructor(private readonly options: BucketerOptions) {
    this.sources = new Lru(options.maxSources, (key, source) => {
      this.clocks.get(source.clock)?.sources.delete(key);
    });
  }

  add(obs: Observation): void {
    let source = this.sources.get(obs.source);
    if (!source) {
      source = { base: obs.base, clock: obs.clock, open: new Map(), closedThroughMs: -Infinity, carry: undefined };
      this.sources.set(obs.source, source);
    }
    let clock = this.clocks.get(obs.clock);
    if (!clock) {
      clock = { watermarkMs: -Infinity, sweptThroughMs: -Infinity, sources: new Set() };
      this.clocks.set(obs.clock, clock);
    }
    clock.sources.add(obs.source);
    if (obs.timeMs > clock.watermarkMs) clock.watermarkMs = obs.timeMs;

    const minute = minuteOf(obs.timeMs);
    if (minute <= source.closedThroughMs) {
      this.lateDropped++;
      return;
    }
    source.open.set(minute, accumulate(source.open.get(minute), obs.sample));
    // Sweeping a clock visits all its sources: only when a minute fell due, or data came for one that had.
    if (minute <= clock.sweptThroughMs || this.dueThrough(clock) > clock.sweptThroughMs) this.dirty.add(obs.clock);
  }

  /** Closes every minute whose clock has passed it by the lag; points in time order per series. */
  drain(): SeriesPoint[] {
    const points: SeriesPoint[] = [];
    for (const name of this.dirty) {
      const clock = this.clocks.get(name);
      if (!clock) continue;
      clock.sweptThroughMs = this.dueThrough(clock);
      this.closeClock(clock, clock.sweptThroughMs, points);
    }
    this.dirty.clear();
    return points;
  }

  /** Closes every open minute (at shutdown, or at the end of a backfill). */
  flush(): SeriesPoint[] {
    const points: SeriesPoint[] = [];
    for (const clock of this.clocks.values()) this.closeClock(clock, Infinity, points);
    this.dirty.clear();
    return points;
  }

  /** Start of the newest minute the clock's event time has passed by the lag. */
  private dueThrough(clock: Clock): number {
    return minuteOf(clock.watermarkMs - this.options.lagMs - MINUTE_MS);
  }

  private closeClock(clock: Clock, closeThroughMs: number, out: SeriesPoint[]): void {
    for (const key of clock.sources) {
      const source = this.sources.get(key);
      if (!source) {
        clock.sources.delete(key);
        continue;
      }
      if (source.open.size === 0) continue;
      const due = [...source.open.keys()].filter((m) => m <= closeThroughMs).sort((a, b) => a - b);
      for (const minute of due) {
        const closed = closeMinute(source.base, source.open.get(minute)!, source.carry);
        source.open.delete(minute);
        source.carry = closed.carry;
        source.closedThroughMs = minute;
        for (const v of closed.values) out.push({ key: seriesKey(v.id), id: v.id, timeMs: minute, value: v.value });
      }
    }
  }
}
