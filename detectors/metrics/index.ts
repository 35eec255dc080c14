import { decodeState, encodeState } from './codec.js';
import type { StepResult } from './types.js';
import { createVigil, stepVigil, VIGIL_DEFAULTS, VIGIL_STATE_VERSION, type VigilOptions, type VigilState } from './vigil.js';
import { createZScore, stepZScore, ZSCORE_DEFAULTS, type ZScoreOptions, type ZScoreState } from './zscore.js';

/**
 * Online metric anomaly detectors: pure, causal, per-series state machines.
 * `step` mutates the state in place and returns a result object owned by the state
 * (copy it if you keep it); the state is JSON data plus typed arrays, which snapshots
 * carry as base64 (`codec.ts`), so snapshot/restore are exact round trips.
 */
export type { StepResult } from './types.js';

export const DETECTOR_NAMES = ['vigil', 'zscore'] as const;
export type DetectorName = (typeof DETECTOR_NAMES)[number];

export interface DetectorOptions {
  detector: DetectorName;
  vigil: VigilOptions;
  zscore: ZScoreOptions;
}

export const DETECTOR_DEFAULTS: DetectorOptions = { detector: 'vigil', vigil: VIGIL_DEFAULTS, zscore: ZSCORE_DEFAULTS };

export type DetectorState = VigilState | ZScoreState;

export function createDetector(options: { detector?: DetectorName; vigil?: Partial<VigilOptions>; zscore?: Partial<ZScoreOptions> } = {}): DetectorState {
  const detector = options.detector ?? DETECTOR_DEFAULTS.detector;
  switch (detector) {
    case 'vigil':
      return createVigil(options.vigil);
    case 'zscore':
      return createZScore(options.zscore);
    default:
      throw new Error(`unknown detector "${detector as string}"; available: ${DETECTOR_NAMES.join(', ')}`);
  }
}

export function isDetectorName(name: string): name is DetectorName {
  return (DETECTOR_NAMES as readonly string[]).includes(name);
}

/** Feeds one point (event time in ms, value) and returns its score and expected band. */
export function step(state: DetectorState, timestampMs: number, value: number): StepResult {
  return state.kind === 'vigil' ? stepVigil(state, timestampMs, value) : stepZScore(state, timestampMs, value);
}

export function snapshot(state: DetectorState): string {
  return encodeState(state);
}

export function restore(text: string): DetectorState {
  const state = decodeState(text) as DetectorState;
  if (!isDetectorName(state?.kind)) throw new Error('not a detector snapshot');
  if (state.kind === 'vigil' && state.version !== VIGIL_STATE_VERSION) throw new Error(`vigil snapshot of state version ${String(state.version)}, expected ${VIGIL_STATE_VERSION}`);
  return state;
}

/** An independent copy: score a "what if" point without touching the live state. */
export function cloneDetector(state: DetectorState): DetectorState {
  return structuredClone(state);
}

/** Past its warm-up: its scores mean something (before that they are all 0). */
export function isWarm(state: DetectorState): boolean {
  return state.kind === 'vigil' ? state.n >= state.options.warmupPoints : state.count >= Math.min(state.options.windowSize, 2);
}
