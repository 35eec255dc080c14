import { accumulate, closeMinute, peekMinute, type Accumulator, type Carry, type MinuteValue } from './accumulate.js';
import type { Observation } from './extract.js';
import { Lru } from './lru.js';
import { isCountSeries, MINUTE_MS, minuteOf, seriesKey, type SeriesPoint } from './series.js';

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
  /**
   * Early scoring: every `intervalMs` of a clock's event time, the minutes it still holds
   * open (the one in progress included) are offered as provisional points, so a fault is
   * seen seconds after it starts instead of after the minute closes plus the lag.
   * Absent or intervalMs 0: off.
   */
  early?: { intervalMs: number; minSamples: number; minElapsedMs: number };
  /**
   * A count source (log or span counts) that stays silent while its clock closes minutes
   * has counted zero in them: its zeros are handed out as its clock closes them, for at
   * most this many minutes after its last data (absent or 0: only when it speaks again,
   * by the detection core). Without them a series that falls silent — a new error pattern
   * that stops, a rare error log — would keep its anomaly open for ever.
   */
  silentZeroMinutes?: number;
}

/**
 * A service whose event time stops while the rest moves on has gone silent (crashed,
 * partitioned, or its telemetry is lost): after this long behind the others its rates are
 * offered as provisional zeros, so the silence itself can be detected. Exporters batch for
 * a few seconds (OTel's batch span processor: 5 s), so 20 s behind is not jitter. Past the
 * horizon a service is gone rather than silent and is left alone.
 */
const SILENCE_MS = 20_000;
const SILENCE_HORIZON_MS = 10 * MINUTE_MS;
function pointOf(v: MinuteValue, minute: number, silentMs?: number): SeriesPoint {
  const point: SeriesPoint = { key: seriesKey(v.id), id: v.id, timeMs: minute, value: v.value };
  if (v.samples !== undefined) point.samples = v.samples;
  if (silentMs !== undefined) point.silentMs = silentMs;
  return point;
}

/** The reference clock needs this many live clocks, so one sender's skewed clock cannot mute the rest. */
const MIN_REFERENCE_CLOCKS = 3;

interface SourceState {
  base: Observation['base'];
  clock: string;
  open: Map<number, Accumulator>;
  /** Start of the newest closed minute, or -Infinity. */
  closedThroughMs: number;
  /** Start of the newest closed minute that had data, or -Infinity. */
  lastDataMs: number;
  carry: Carry | undefined;
}

interface Clock {
  watermarkMs: number;
  /** Minutes up to this start have been closed for every source of the clock. */
  sweptThroughMs: number;
  /** Watermark at the last early pass. */
  earlyAtMs: number;
  sources: Set<string>;
}

export class MinuteBucketer {
  private readonly sources: Lru<SourceState>;
  private readonly clocks = new Map<string, Clock>();
  private readonly dirty = new Set<string>();
  private readonly earlyDue = new Set<string>();
  /** Newest event time seen on any clock, and where the last silence check stood. */
  private globalMs = -Infinity;
  private silenceCheckAtMs = -Infinity;
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
      source = { base: obs.base, clock: obs.clock, open: new Map(), closedThroughMs: -Infinity, lastDataMs: -Infinity, carry: undefined };
      this.sources.set(obs.source, source);
    }
    let clock = this.clocks.get(obs.clock);
    if (!clock) {
      clock = { watermarkMs: -Infinity, sweptThroughMs: -Infinity, earlyAtMs: -Infinity, sources: new Set() };
      this.clocks.set(obs.clock, clock);
    }
    clock.sources.add(obs.source);
    if (obs.timeMs > this.globalMs) this.globalMs = obs.timeMs;
    if (obs.timeMs > clock.watermarkMs) {
      clock.watermarkMs = obs.timeMs;
      const early = this.options.early;
      if (early && early.intervalMs > 0 && clock.watermarkMs - clock.earlyAtMs >= early.intervalMs) this.earlyDue.add(obs.clock);
    }

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
      this.closeClock(clock, clock.sweptThroughMs, points, true);
    }
    this.dirty.clear();
    return points;
  }

  /**
   * Provisional points of the clocks due an early pass: per series, every minute still
   * open in time order, the last one possibly partial (see peekMinute). Nothing closes;
   * the same minutes come again, final, from `drain`.
   */
  provisional(): SeriesPoint[] {
    const early = this.options.early;
    const points: SeriesPoint[] = [];
    if (!early) return points;
    for (const name of this.earlyDue) {
      const clock = this.clocks.get(name);
      if (!clock) continue;
      clock.earlyAtMs = clock.watermarkMs;
      const current = minuteOf(clock.watermarkMs);
      for (const key of clock.sources) {
        const source = this.sources.peek(key);
        if (!source || source.open.size === 0) continue;
        let carry = source.carry;
        for (const minute of [...source.open.keys()].sort((a, b) => a - b)) {
          const acc = source.open.get(minute)!;
          let values;
          if (minute < current) {
            const closed = closeMinute(source.base, acc, carry);
            carry = closed.carry;
            values = closed.values;
          } else {
            values = peekMinute(source.base, acc, carry, clock.watermarkMs - minute, early);
          }
          for (const v of values) points.push(pointOf(v, minute));
        }
      }
    }
    this.earlyDue.clear();
    if (this.globalMs - this.silenceCheckAtMs >= early.intervalMs) {
      this.silenceCheckAtMs = this.globalMs;
      const reference = this.referenceMs();
      if (reference !== undefined) {
        for (const clock of this.clocks.values()) {
          const behind = reference - clock.watermarkMs;
          if (behind >= SILENCE_MS && behind <= SILENCE_HORIZON_MS) this.silentPoints(clock, reference, early.minElapsedMs, points);
        }
      }
    }
    return points;
  }

  /** Where event time stands for most services: the median watermark of the clocks alive lately. */
  private referenceMs(): number | undefined {
    const live = [...this.clocks.values()].map((c) => c.watermarkMs).filter((w) => w >= this.globalMs - SILENCE_HORIZON_MS);
    if (live.length < MIN_REFERENCE_CLOCKS) return undefined;
    live.sort((a, b) => a - b);
    return live[Math.floor(live.length / 2)];
  }

  /** A silent clock's rates: its open minutes as they stand, then zeros up to the reference time. */
  private silentPoints(clock: Clock, nowMs: number, minElapsedMs: number, out: SeriesPoint[]): void {
    const current = minuteOf(nowMs);
    const silentMs = nowMs - clock.watermarkMs;
    for (const key of clock.sources) {
      const source = this.sources.peek(key);
      if (!source || (source.base.signal !== 'log_rate' && source.base.signal !== 'span_rate')) continue;
      const id = { ...source.base, stat: 'count' as const };
      let last = source.closedThroughMs;
      let carry = source.carry;
      for (const minute of [...source.open.keys()].sort((a, b) => a - b)) {
        const closed = closeMinute(source.base, source.open.get(minute)!, carry);
        carry = closed.carry;
        for (const v of closed.values) out.push(pointOf(v, minute, silentMs));
        last = minute;
      }
      if (!Number.isFinite(last)) continue;
      for (let minute = last + MINUTE_MS; minute <= current; minute += MINUTE_MS) {
        // The minute in progress had no data at all: its silence so far is the evidence, and
        // the clock is already SILENCE_MS behind; a shorter wait than a count extrapolation needs.
        if (minute === current && nowMs - minute < Math.min(minElapsedMs, SILENCE_MS)) break;
        out.push({ key: seriesKey(id), id, timeMs: minute, value: 0, silentMs });
      }
    }
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

  private closeClock(clock: Clock, closeThroughMs: number, out: SeriesPoint[], zeros = false): void {
    for (const key of clock.sources) {
      const source = this.sources.get(key);
      if (!source) {
        clock.sources.delete(key);
        continue;
      }
      const due = [...source.open.keys()].filter((m) => m <= closeThroughMs).sort((a, b) => a - b);
      for (const minute of due) {
        const closed = closeMinute(source.base, source.open.get(minute)!, source.carry);
        source.open.delete(minute);
        source.carry = closed.carry;
        source.closedThroughMs = minute;
        source.lastDataMs = minute;
        for (const v of closed.values) out.push(pointOf(v, minute));
      }
      if (zeros) this.silentZeros(source, closeThroughMs, out);
    }
  }

  /** Zero counts of a silent count source for the minutes its clock has closed (see silentZeroMinutes). */
  private silentZeros(source: SourceState, closeThroughMs: number, out: SeriesPoint[]): void {
    const horizon = this.options.silentZeroMinutes ?? 0;
    if (horizon <= 0 || !isCountSeries(source.base) || !Number.isFinite(source.lastDataMs)) return;
    const id = { ...source.base, stat: 'count' as const };
    const untilMs = Math.min(closeThroughMs, source.lastDataMs + horizon * MINUTE_MS);
    for (let minute = source.closedThroughMs + MINUTE_MS; minute <= untilMs; minute += MINUTE_MS) {
      out.push({ key: seriesKey(id), id, timeMs: minute, value: 0 });
      source.closedThroughMs = minute;
    }
  }
}
