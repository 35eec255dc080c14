/** The incident engine (grouping, lifecycle, root-cause ranking) and the incident contract. */
export * from './types.js';
export { IncidentEngine, AUTO_RESOLVER, type TrackedSnapshot } from './engine.js';
export { ENGINE_DEFAULTS, type AnomalyInput, type ChangeEvent, type EngineInput, type EngineOptions, type EngineOutput, type NodeKind, type TimelineEntry, type TimelineKind, type TopologyEdge } from './model.js';
export { rankSuspects, WEIGHTS, type Ranking } from './root-cause.js';
export { canOpen, familyOf, severityOf, signalWeight, type SignalFamily } from './signals.js';
export { toChange, changeKindOf, type ChangeSource } from './changes.js';
export { Topology } from './topology.js';
export { EventClock, EVENT_CLOCK_DEFAULTS } from './event-clock.js';
