import { createHash } from 'node:crypto';
import { cloneDetector, createDetector, isWarm, restore, snapshot, step, type DetectorName, type DetectorState } from '../metrics/index.js';
import { createHysteresis, isNewPeak, stepHysteresis, type AnomalyWindow, type HysteresisOptions, type HysteresisState, type ScoredValue, type Transition } from './hysteresis.js';
import { Lru } from './lru.js';
import { operationalScore } from './significance.js';
import { isCountSeries, MINUTE_MS, type SeriesId, type SeriesPoint } from './series.js';

/**
 * The detection core shared by the live runner and the offline backfill: per series, a
 * detector state (bounded LRU), event-time order, zero-filled gaps for count series, and
 * hysteresis into anomaly events. No I/O: callers restore states (`adopt`) before
 * `process` and persist what it hands back.
 */
export interface CoreOptions extends HysteresisOptions {
  detector: DetectorName;
  /** Detector states kept in memory; the least recently used are evicted (and snapshotted). */
  maxSeries: number;
  /** A count series silent for at most this many minutes is fed zeros for them. */
  maxGapMinutes: number;
}

export interface Anomaly extends AnomalyWindow {
  id: string;
  seriesKey: string;
  signal: SeriesId['signal'];
  service: string;
  name: string;
  stat: SeriesId['stat'];
  attributes: Record<string, string>;
  detector: string;
  status: 'open' | 'closed';
}

export interface AnomalyEvent {
  type: Transition;
  anomaly: Anomaly;
}

export interface ScoredPoint extends ScoredValue {
  key: string;
}

export interface StateSnapshot {
  key: string;
  detector: string;
  /** JSON: the detector snapshot, the hysteresis state and the last point's time. */
  snapshot: string;
  lastTimeMs: number;
}

export interface CoreOutput {
  scores: ScoredPoint[];
  events: AnomalyEvent[];
  /** States pushed out of memory; persist them or they are relearned. */
  evicted: StateSnapshot[];
}

interface SeriesState {
  id: SeriesId;
  detector: DetectorState;
  lastTimeMs: number;
  hysteresis: HysteresisState;
  dirty: boolean;
  /** Band of normal at the last scored point: provisional values inside it are not scored. */
  band?: { lower: number; upper: number };
  /** An anomaly opened early from provisional points, until its minute is scored for real. */
  early?: AnomalyWindow;
  /** What opened it: a minute in progress, or the minute of a service gone silent. */
  earlyStage?: EarlyStage;
}

/**
 * An anomaly opened before its minute closed names its stage in its detector
 * (`vigil-early`, `vigil-silence`) until the closed minute is scored.
 */
type EarlyStage = 'early' | 'silence';

interface SnapshotBody {
  v: 1;
  detector: string;
  lastTimeMs: number;
  hysteresis: HysteresisState;
  early?: AnomalyWindow;
  earlyStage?: EarlyStage;
}

/** A provisional peak must beat the last one by this much to be published again. */
const EARLY_UPDATE_MARGIN = 0.05;

/** Same series, same start: same id, so a backfill over live history rewrites, not duplicates. */
export function anomalyId(seriesKey: string, startMs: number): string {
  return createHash('sha256').update(`${seriesKey}\n${startMs}`).digest('hex').slice(0, 32);
}

export class DetectionCore {
  private readonly states: Lru<SeriesState>;
  private evicted: StateSnapshot[] = [];
  /** Points older than their series' last point (late, or replayed after a restart). */
  stalePoints = 0;
  restoredSeries = 0;

  constructor(readonly options: CoreOptions) {
    this.states = new Lru(options.maxSeries, (key, state) => this.evicted.push(this.snapshotOf(key, state)));
  }

  get seriesInMemory(): number {
    return this.states.size;
  }

  /**
   * Keys of these points whose state is not in memory (to restore before `process`). The
   * others are marked recently used, so adopting the missing ones evicts series outside
   * this batch (when the batch has at most maxSeries series).
   */
  missingKeys(points: readonly SeriesPoint[]): string[] {
    const missing = new Set<string>();
    for (const p of points) if (!missing.has(p.key) && this.states.get(p.key) === undefined) missing.add(p.key);
    return [...missing];
  }

  /** Takes a stored snapshot (or none: a fresh detector) for a series not in memory. */
  adopt(key: string, id: SeriesId, text: string | undefined): void {
    if (this.states.has(key)) return;
    let state: SeriesState | undefined;
    if (text !== undefined) {
      try {
        const body = JSON.parse(text) as SnapshotBody;
        if (body.v === 1) {
          state = { id, detector: restore(body.detector), lastTimeMs: body.lastTimeMs, hysteresis: body.hysteresis ?? createHysteresis(), dirty: false, early: body.early, earlyStage: body.earlyStage };
          this.restoredSeries++;
        }
      } catch {
        state = undefined; // unreadable (older format): relearn
      }
    }
    this.states.set(key, state ?? this.fresh(id));
  }

  process(points: readonly SeriesPoint[]): CoreOutput {
    const scores: ScoredPoint[] = [];
    const events: AnomalyEvent[] = [];
    for (const p of points) {
      let state = this.states.get(p.key);
      if (!state) {
        state = this.fresh(p.id);
        this.states.set(p.key, state);
      }
      if (p.timeMs <= state.lastTimeMs) {
        this.stalePoints++;
        continue;
      }
      if (isCountSeries(p.id) && Number.isFinite(state.lastTimeMs)) {
        const gap = Math.round((p.timeMs - state.lastTimeMs) / MINUTE_MS) - 1;
        if (gap > 0 && gap <= this.options.maxGapMinutes) {
          for (let t = state.lastTimeMs + MINUTE_MS; t < p.timeMs; t += MINUTE_MS) this.stepOne(p.key, state, t, 0, scores, events);
        }
      }
      this.stepOne(p.key, state, p.timeMs, p.value, scores, events, p.samples);
      if (state.early && state.lastTimeMs >= state.early.startMs) this.settleEarly(p.key, state, events);
    }
    return { scores, events, evicted: this.takeEvicted() };
  }

  /**
   * Early detection: scores provisional points (minutes not closed yet, see
   * MinuteBucketer.provisional) on a copy of each series' detector, and opens an anomaly
   * at once when they cross the threshold. The live state is untouched: the minutes are
   * scored for real when they close, and then the early anomaly is either taken over by
   * the real one (same start, same id) or closed. Only series in memory, warmed up, with
   * no anomaly open, and with a value outside their last band of normal are scored, so
   * this costs nothing while all is well.
   */
  peek(points: readonly SeriesPoint[]): AnomalyEvent[] {
    const events: AnomalyEvent[] = [];
    const byKey = new Map<string, SeriesPoint[]>();
    for (const p of points) {
      const list = byKey.get(p.key);
      if (list) list.push(p);
      else byKey.set(p.key, [p]);
    }
    for (const [key, series] of byKey) {
      const state = this.states.peek(key);
      if (!state || state.hysteresis.open || !isWarm(state.detector)) continue;
      const fresh = series.filter((p) => p.timeMs > state.lastTimeMs);
      const band = state.band;
      if (fresh.length === 0 || (band && !fresh.some((p) => p.value < band.lower || p.value > band.upper))) continue;
      const crossing = this.scoreCopy(state, fresh);
      if (!crossing) continue;
      const { first, peak, silent } = crossing;
      const atPeak = { peakScore: peak.score, peakMs: peak.timeMs, expected: peak.expected, actual: peak.value, lower: peak.lower, upper: peak.upper };
      const early = state.early;
      if (!early) {
        // Its start (hence its id) is the first crossing: the minute the real anomaly will open at.
        state.early = { ...first, ...atPeak, endMs: peak.timeMs };
        state.earlyStage = silent ? 'silence' : 'early';
        state.dirty = true;
        events.push(this.event(key, state, 'open', state.early, state.earlyStage));
      } else if (isNewPeak(early, peak, EARLY_UPDATE_MARGIN)) {
        Object.assign(early, atPeak, { endMs: Math.max(early.endMs, peak.timeMs) });
        state.dirty = true;
        events.push(this.event(key, state, 'update', early, state.earlyStage ?? 'early'));
      }
    }
    return events;
  }

  /**
   * Scores points on a copy of the series' detector; the first crossing and the peak, if any
   * crossed, and whether the first crossing was a point of a service gone silent.
   */
  private scoreCopy(state: SeriesState, points: readonly SeriesPoint[]): { first: AnomalyWindow; peak: ScoredValue; silent: boolean } | undefined {
    const detector = cloneDetector(state.detector);
    let last = state.lastTimeMs;
    let first: AnomalyWindow | undefined;
    let peak: ScoredValue | undefined;
    let silent = false;
    const feed = (timeMs: number, value: number, samples?: number, silentMs?: number) => {
      const r = step(detector, timeMs, value);
      const score = operationalScore(state.id, value, r, true, samples, true, silentMs);
      if (!(score >= this.options.threshold)) return;
      const scored: ScoredValue = { timeMs, value, score, expected: r.expected, lower: r.lower, upper: r.upper };
      if (!first) {
        first = { startMs: timeMs, endMs: timeMs, peakScore: score, peakMs: timeMs, expected: r.expected, actual: value, lower: r.lower, upper: r.upper };
        silent = silentMs !== undefined;
      }
      if (!peak || isNewPeak({ peakScore: peak.score, expected: peak.expected, actual: peak.value }, scored)) peak = scored;
    };
    for (const p of points) {
      if (p.timeMs <= last) continue; // the same minute offered twice (by two passes) is scored once
      if (isCountSeries(p.id) && Number.isFinite(last)) {
        const gap = Math.round((p.timeMs - last) / MINUTE_MS) - 1;
        if (gap > 0 && gap <= this.options.maxGapMinutes) for (let t = last + MINUTE_MS; t < p.timeMs; t += MINUTE_MS) feed(t, 0, undefined, p.silentMs);
      }
      feed(p.timeMs, p.value, p.samples, p.silentMs);
      last = p.timeMs;
    }
    return first && peak ? { first, peak, silent } : undefined;
  }

  /** The early anomaly's minute has been scored for real: hand over to the real anomaly, or close it. */
  private settleEarly(key: string, state: SeriesState, events: AnomalyEvent[]): void {
    const early = state.early!;
    const stage = state.earlyStage ?? 'early';
    state.early = undefined;
    state.earlyStage = undefined;
    state.dirty = true;
    if (state.hysteresis.open?.startMs === early.startMs) return; // the real anomaly has the same id
    events.push(this.event(key, state, 'close', early, stage));
  }

  takeEvicted(): StateSnapshot[] {
    const out = this.evicted;
    this.evicted = [];
    return out;
  }

  /** Snapshots of the states changed since the last call (for periodic checkpoints). */
  dirtySnapshots(): StateSnapshot[] {
    const out: StateSnapshot[] = [];
    for (const [key, state] of this.states.entries()) {
      if (!state.dirty) continue;
      state.dirty = false;
      out.push(this.snapshotOf(key, state));
    }
    return out;
  }

  private fresh(id: SeriesId): SeriesState {
    return { id, detector: createDetector({ detector: this.options.detector }), lastTimeMs: -Infinity, hysteresis: createHysteresis(), dirty: true };
  }

  private stepOne(key: string, state: SeriesState, timeMs: number, value: number, scores: ScoredPoint[], events: AnomalyEvent[], samples?: number): void {
    const r = step(state.detector, timeMs, value);
    const score = operationalScore(state.id, value, r, isWarm(state.detector), samples);
    const scored: ScoredPoint = { key, timeMs, value, score, expected: r.expected, lower: r.lower, upper: r.upper };
    scores.push(scored);
    state.lastTimeMs = timeMs;
    state.dirty = true;
    state.band = { lower: r.lower, upper: r.upper };
    const change = stepHysteresis(state.hysteresis, this.options, scored);
    if (!change) return;
    events.push(this.event(key, state, change.transition, change.anomaly));
  }

  private event(key: string, state: SeriesState, type: Transition, window: AnomalyWindow, stage?: EarlyStage): AnomalyEvent {
    const { id } = state;
    return {
      type,
      anomaly: {
        ...window,
        id: anomalyId(key, window.startMs),
        seriesKey: key,
        signal: id.signal,
        service: id.service,
        name: id.name,
        stat: id.stat,
        attributes: id.attributes,
        // An anomaly opened from a minute in progress says so until that minute is scored.
        detector: stage ? `${this.options.detector}-${stage}` : this.options.detector,
        status: type === 'close' ? 'closed' : 'open',
      },
    };
  }

  private snapshotOf(key: string, state: SeriesState): StateSnapshot {
    const body: SnapshotBody = { v: 1, detector: snapshot(state.detector), lastTimeMs: state.lastTimeMs, hysteresis: state.hysteresis, early: state.early, earlyStage: state.earlyStage };
    return { key, detector: this.options.detector, snapshot: JSON.stringify(body), lastTimeMs: state.lastTimeMs };
  }
}
