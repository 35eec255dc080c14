import { formatDuration, parseDuration } from './durations.js';
import { CANARY_SERVICE, serviceByName, type ServiceKind, type Topology } from './topology.js';

/** A failure the target answers with. */
export interface Failure {
  /** Share of requests that fail. */
  rate: number;
  /** `error.type` on the failing span (an exception class). */
  errorType: string;
  /** ERROR log template the failing service writes (placeholders as in log-lines.ts). */
  log: string;
}

/** What an active fault does to its target service at one moment of its window. */
export interface FaultEffects {
  /** Added to the target's own time per request (callers' spans widen with it). */
  addedLatencyMs?: number;
  failure?: Failure;
  /** Calls to the target fail fast with a connection error; the target serves nothing. */
  down?: boolean;
  /** 0..1: how far CPU and memory have climbed towards 95 % (latency grows with it). */
  saturation?: number;
  /** Log lines are multiplied by this. */
  logFactor?: number;
  /** An ERROR template the service never logged before, at a steady rate. */
  newErrorLog?: { perSecond: number; template: string };
  /** One metric's values are multiplied by `factor`. */
  metricFactor?: { metric: string; factor: number };
  /** The workload drops the target's telemetry and counts what it dropped. */
  dropTelemetry?: boolean;
}

export interface FaultType {
  summary: string;
  /** Kinds of service the fault applies to; `canary` is the canary stream. */
  targets: ReadonlyArray<ServiceKind | 'canary'>;
  /** Effects `elapsedMs` into a window of `durationMs`. */
  effects(elapsedMs: number, durationMs: number): FaultEffects;
  /** Called once as the window opens (bad-deploy announces its deploy here). */
  onStart?(window: FaultWindow, world: FaultWorld): void;
}

/** What a fault may change in the simulated world when it starts. */
export interface FaultWorld {
  /** Deploys a new version of `service` at `timeMs` (event time): emits the deploy event, bumps `service.version`. */
  deploy(service: string, timeMs: number): { eventId: string; version: string; previousVersion: string };
}

/** Errors of a bad deploy start this long after the deploy event, as a new version takes traffic. */
export const BAD_DEPLOY_ERROR_DELAY_MS = 30_000;
const INSTRUMENTED: ReadonlyArray<ServiceKind> = ['service'];
const ANY_SERVICE: ReadonlyArray<ServiceKind> = ['service', 'database', 'cache', 'queue', 'external'];

/** Every fault the workload can inject; adding one is one entry. */
export const FAULT_TYPES: Record<string, FaultType> = {
  latency: {
    summary: "adds 400 ms to the service's own time per request; callers' spans widen accordingly",
    targets: ANY_SERVICE,
    effects: () => ({ addedLatencyMs: 400 }),
  },
  'error-burst': {
    summary: 'the service fails 40% of requests with a distinctive error log; callers log upstream failures',
    targets: ANY_SERVICE,
    effects: () => ({
      failure: { rate: 0.4, errorType: 'IllegalStateException', log: 'unhandled IllegalStateException in {route}: worker pool exhausted, request {id} aborted' },
    }),
  },
  'dependency-down': {
    summary: "calls to the service fail fast with connection errors (e.g. dependency-down:postgres)",
    targets: ANY_SERVICE,
    effects: () => ({ down: true }),
  },
  'bad-deploy': {
    summary: `deploys a new version (CDEvents service.deployed to /v1/events), then ${BAD_DEPLOY_ERROR_DELAY_MS / 1000} s later fails 40% of requests`,
    targets: INSTRUMENTED,
    effects: (elapsedMs) =>
      elapsedMs < BAD_DEPLOY_ERROR_DELAY_MS
        ? {}
        : { failure: { rate: 0.4, errorType: 'TypeError', log: "TypeError: Cannot read properties of undefined (reading 'currency') in {route}, request {id}" } },
    onStart(window, world) {
      const deploy = world.deploy(window.service, window.startMs);
      window.deploy = { ...deploy, errorsFromMs: window.startMs + BAD_DEPLOY_ERROR_DELAY_MS };
    },
  },
  saturation: {
    summary: 'CPU and memory climb to ~95% over the first 40% of the window; latency grows with them',
    targets: INSTRUMENTED,
    effects: (elapsedMs, durationMs) => ({ saturation: Math.min(1, elapsedMs / (0.4 * durationMs)) }),
  },
  'log-flood': {
    summary: 'the service logs 20x its normal rate',
    targets: INSTRUMENTED,
    effects: () => ({ logFactor: 20 }),
  },
  'new-error-pattern': {
    summary: 'a never-seen ERROR log template appears at 30 lines per minute',
    targets: INSTRUMENTED,
    effects: () => ({ newErrorLog: { perSecond: 0.5, template: 'checksum mismatch in segment {hex}: replica {n} diverged after {ms} ms' } }),
  },
  'level-shift': {
    summary: 'process.memory.usage of the service shifts up by 60%',
    targets: INSTRUMENTED,
    effects: () => ({ metricFactor: { metric: 'process.memory.usage', factor: 1.6 } }),
  },
  'telemetry-loss': {
    summary: "the workload drops the service's telemetry (or the canaries) and counts every record it dropped",
    targets: ['service', 'canary'],
    effects: () => ({ dropTelemetry: true }),
  },
};

export const DEFAULT_FAULT_DURATION_MS = 3 * 60_000;

/** A fault as asked for: `TYPE:SERVICE@OFFSET[+DURATION]`, offset from the live-phase start. */
export interface FaultSpec {
  type: string;
  service: string;
  offsetMs: number;
  durationMs: number;
}

/** Records of what the telemetry-loss fault (or any dropping fault) left out. */
export interface DroppedCounts {
  spans: number;
  logs: number;
  metricPoints: number;
}

/** One fault's window, filled in as it happens. Event times are the data's timestamps. */
export interface FaultWindow extends FaultSpec {
  /** `TYPE:SERVICE@OFFSET+DURATION`, unique within a workload. */
  id: string;
  startMs: number;
  endMs: number;
  status: 'pending' | 'active' | 'ended';
  /** Wall-clock times the window's first and last data were sent. */
  wallStartMs?: number;
  wallEndMs?: number;
  dropped: DroppedCounts;
  /** bad-deploy: the deploy it announced. */
  deploy?: { eventId: string; version: string; previousVersion: string; errorsFromMs: number };
}

export function faultTypeNames(): string[] {
  return Object.keys(FAULT_TYPES);
}

/** Parses `error-burst:payments@2m`, `latency:postgres@30s+1m`. */
export function parseFaultSpec(text: string): FaultSpec {
  const match = /^([a-z-]+):([A-Za-z0-9._-]+)@([^+]+)(?:\+(.+))?$/.exec(text.trim());
  if (!match) throw new Error(`fault "${text}": expected TYPE:SERVICE@OFFSET[+DURATION], e.g. error-burst:payments@2m+3m`);
  const [, type, service, offset, duration] = match;
  if (!FAULT_TYPES[type]) throw new Error(`fault "${text}": unknown type "${type}" (known: ${faultTypeNames().join(', ')})`);
  const durationMs = duration === undefined ? DEFAULT_FAULT_DURATION_MS : parseDuration(duration, `fault "${text}" duration`);
  if (durationMs <= 0) throw new Error(`fault "${text}": duration must be positive`);
  return { type, service, offsetMs: parseDuration(offset, `fault "${text}" offset`), durationMs };
}

export function formatFaultSpec(spec: FaultSpec): string {
  return `${spec.type}:${spec.service}@${formatDuration(spec.offsetMs)}+${formatDuration(spec.durationMs)}`;
}

/** Checks that the fault's type exists and may target that service of the topology. */
export function checkFaultTarget(spec: FaultSpec, topology: Topology, canary: boolean): void {
  const type = FAULT_TYPES[spec.type];
  if (!type) throw new Error(`fault ${formatFaultSpec(spec)}: unknown type "${spec.type}" (known: ${faultTypeNames().join(', ')})`);
  let kind: ServiceKind | 'canary';
  if (spec.service === CANARY_SERVICE) {
    if (!canary) throw new Error(`fault ${formatFaultSpec(spec)}: the canary stream is off`);
    kind = 'canary';
  } else {
    const service = serviceByName(topology, spec.service);
    if (!service) throw new Error(`fault ${formatFaultSpec(spec)}: no service "${spec.service}" in the topology`);
    kind = service.kind;
  }
  if (!type.targets.includes(kind)) {
    throw new Error(`fault ${formatFaultSpec(spec)}: ${spec.type} applies to ${type.targets.join(' or ')}, and ${spec.service} is a ${kind}`);
  }
  if (spec.type === 'dependency-down' && spec.service === topology.entry) {
    throw new Error(`fault ${formatFaultSpec(spec)}: ${spec.service} is the entry service, nothing in the topology calls it`);
  }
}

/** A window for a spec, placed after the live phase starts at `liveStartMs`. */
export function planWindow(spec: FaultSpec, liveStartMs: number): FaultWindow {
  const startMs = liveStartMs + spec.offsetMs;
  return { ...spec, id: formatFaultSpec(spec), startMs, endMs: startMs + spec.durationMs, status: 'pending', dropped: { spans: 0, logs: 0, metricPoints: 0 } };
}
