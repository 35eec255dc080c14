/**
 * Chaos: the synthetic workload (topology, signals, faults) that tests and drills run
 * through Vigil's real ingest path.
 */
export { startWorkload, type ProgressEvent, type SentCounts, type Workload, type WorkloadEvents, type WorkloadOptions, type WorkloadReport } from './workload/workload.js';
export {
  CANARY_SERVICE, DEFAULT_TOPOLOGY, DEFAULT_TOPOLOGY_SPEC, SERVICE_KINDS, TopologyError, loadTopologyFile, renderTopology, resolveTopology, serviceByName,
  type Call, type Service, type ServiceKind, type Topology, type TopologySpec,
} from './workload/topology.js';
export {
  BAD_DEPLOY_ERROR_DELAY_MS, DEFAULT_FAULT_DURATION_MS, FAULT_TYPES, checkFaultTarget, faultTypeNames, formatFaultSpec, parseFaultSpec,
  type DroppedCounts, type FaultEffects, type FaultSpec, type FaultType, type FaultWindow,
} from './workload/faults.js';
export { DEPLOY_EVENT_TYPE, Simulation, TICK_MS, simulateRange, type SimulationOptions, type TickResult } from './workload/simulation.js';
export { METRIC_INTERVAL_MS } from './workload/metrics.js';
export { formatDuration, parseDuration } from './workload/durations.js';
export type { CloudEventRecord, LogRecord, MetricPoint, SpanRecord, TelemetryBatch } from './workload/records.js';
export { SpanKind } from './workload/records.js';
