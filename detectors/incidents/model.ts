import type { Incident, IncidentMessage } from './types.js';

/**
 * The incident engine's inputs and outputs besides the shared contract (types.ts). Times
 * are event time in ms since the epoch, except `atMs` (wall clock, copied into each
 * IncidentMessage for time-to-page measurement and never used for decisions).
 */

/** What the engine reads of an anomaly (a structural subset of the stored anomaly record). */
export interface AnomalyInput {
  id: string;
  seriesKey: string;
  signal: string;
  service: string;
  name: string;
  stat: string;
  attributes: Record<string, string>;
  startMs: number;
  endMs: number;
  peakScore: number;
  peakMs: number;
  /** At the peak: the value expected and the value seen. */
  expected?: number;
  actual?: number;
  status: 'open' | 'closed';
  /** The detector that called it; `<name>-silence` when a service gone silent was (see the runner). */
  detector?: string;
}

export type NodeKind = 'service' | 'database' | 'cache' | 'queue' | 'external';

/** One call-graph edge of the service map (caller → callee). */
export interface TopologyEdge {
  caller: string;
  callee: string;
  calleeKind: NodeKind;
  /** For an uninstrumented callee: the caller's client span names that reach it. */
  spanNames?: string[];
}

/** A deploy, configuration or feature-flag change (a CloudEvent). */
export interface ChangeEvent {
  /** `source/id`, unique per CloudEvent. */
  id: string;
  timeMs: number;
  service: string;
  /** `deploy`, `config`, `flag` or `rollback`. */
  kind: string;
  type: string;
  /** What a person reads, e.g. "deploy payments 2.4.1". */
  summary: string;
}

export type EngineInput =
  | { kind: 'anomaly'; type: 'open' | 'update' | 'close'; anomaly: AnomalyInput; atMs: number }
  | { kind: 'topology'; edges: TopologyEdge[]; atMs: number }
  | { kind: 'change'; change: ChangeEvent; atMs: number }
  | { kind: 'tick'; eventTimeMs: number; atMs: number }
  | { kind: 'ack' | 'resolve'; incidentId: string; by: string; atMs: number };

export type TimelineKind = 'opened' | 'anomaly-joined' | 'change' | 'suspects-ranked' | 'acknowledged' | 'resolved' | 'reopened';

export interface TimelineEntry {
  incidentId: string;
  timeMs: number;
  kind: TimelineKind;
  /** Anomaly id, change id (`source/id`) or the user, by kind. */
  ref: string;
  message: string;
  attributes: Record<string, string>;
}

export interface EngineOutput {
  messages: IncidentMessage[];
  timeline: TimelineEntry[];
  /** For ack/resolve: the incident after the action, or why it was refused. */
  action?: { incident: Incident } | { error: 'not-found' | 'invalid-transition'; message: string };
}

export interface EngineOptions {
  /** Event time an incident waits after its first anomaly before it opens (and pages). */
  settleMs: number;
  /** An anomaly joins an incident whose anomalies started within this much event time. */
  groupWindowMs: number;
  /** ... and whose services are at most this many call-graph hops away. */
  maxHops: number;
  /** Event time without an open or new anomaly before an incident resolves itself. */
  quietMs: number;
  /** A related anomaly within this much event time of resolution reopens the incident. */
  reopenWindowMs: number;
  /** Changes this long before onset are suspects. */
  changeLookbackMs: number;
  /** Anomalies below this peak score never open an incident (they may join one). */
  minScore: number;
}

export const ENGINE_DEFAULTS: EngineOptions = {
  settleMs: 15_000,
  groupWindowMs: 10 * 60_000,
  maxHops: 2,
  quietMs: 5 * 60_000,
  reopenWindowMs: 30 * 60_000,
  changeLookbackMs: 30 * 60_000,
  minScore: 0.6,
};
