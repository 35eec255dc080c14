import { createHash } from 'node:crypto';
import { createDetector, restore, snapshot, step, type DetectorName, type DetectorState } from '../metrics/index.js';
import { createHysteresis, stepHysteresis, type AnomalyWindow, type HysteresisOptions, type HysteresisState, type ScoredValue, type Transition } from './hysteresis.js';
import { Lru } from './lru.js';
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
}

interface SnapshotBody {
  v: 1;
  detector: string;
  lastTimeMs: number;
  hysteresis: HysteresisState;
}

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
          state = { id, detector: restore(body.detector), lastTimeMs: body.lastTimeMs, hysteresis: body.hysteresis ?? createHysteresis(), dirty: false };
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
      this.stepOne(p.key, state, p.timeMs, p.value, scores, events);
    }
    return { scores, events, evicted: this.takeEvicted() };
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

  private stepOne(key: string, state: SeriesState, timeMs: number, value: number, scores: ScoredPoint[], events: AnomalyEvent[]): void {
    const r = step(state.detector, timeMs, value);
    const scored: ScoredPoint = { key, timeMs, value, score: r.score, expected: r.expected, lower: r.lower, upper: r.upper };
    scores.push(scored);
    state.lastTimeMs = timeMs;
    state.dirty = true;
    const change = stepHysteresis(state.hysteresis, this.options, scored);
    if (!change) return;
    const { id } = state;
    events.push({
      type: change.transition,
      anomaly: {
        ...change.anomaly,
        id: anomalyId(key, change.anomaly.startMs),
        seriesKey: key,
        signal: id.signal,
        service: id.service,
        name: id.name,
        stat: id.stat,
        attributes: id.attributes,
        detector: this.options.detector,
        status: change.transition === 'close' ? 'closed' : 'open',
      },
    });
  }

  private snapshotOf(key: string, state: SeriesState): StateSnapshot {
    const body: SnapshotBody = { v: 1, detector: snapshot(state.detector), lastTimeMs: state.lastTimeMs, hysteresis: state.hysteresis };
    return { key, detector: this.options.detector, snapshot: JSON.stringify(body), lastTimeMs: state.lastTimeMs };
  }
}
