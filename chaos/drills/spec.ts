import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../workload/durations.js';
import { FAULT_TYPES, faultTypeNames } from '../workload/faults.js';

/**
 * A drill spec: what to break, what should hold, and what Vigil is expected to notice.
 * Specs are data (YAML or JSON); `drill.schema.json` beside this file documents them for
 * editors, and `parseDrillSpec` is the one validator (errors name the field path).
 */
export type SteadyStateMetric = 'errorRatio' | 'p95LatencyMs' | 'callsPerMinute';

export interface SteadyStateCheck {
  service: string;
  metric: SteadyStateMetric;
  /** The check holds while the value is at most `max` / at least `min`. */
  max?: number;
  min?: number;
  /** Trailing window the value is measured over (event time). */
  windowMs: number;
}

export interface DrillFault {
  type: string;
  service: string;
  /** Offset from the start of the live phase. */
  atMs: number;
  durationMs: number;
}

export interface DrillSpec {
  name: string;
  hypothesis: string;
  target:
    | { kind: 'synthetic'; ratePerSecond: number; warmupMs: number; speed: number; seed: number }
    | { kind: 'real'; services: string[]; ratePerSecond: number; warmupMs: number; speed: number; seed: number };
  steadyState: SteadyStateCheck[];
  faults: DrillFault[];
  /** Services the faults may affect; anomalies elsewhere are false alarms. */
  blastRadius: string[];
  abort: {
    /** Stop when a steady-state check on a service outside the blast radius fails. */
    onSteadyStateBreach: boolean;
    /** Hard limit on the live phase. */
    maxDurationMs: number;
  };
  expect: {
    detectWithinMs: number;
    pageWithinMs: number;
    /** The service that should rank first among the suspects (default: the first fault's service). */
    rootCause: string;
    maxFalseAlarms: number;
    maxDataLoss: number;
  };
  /** Observation after the last fault ends (recovery is measured in it). */
  recoveryMs: number;
  /** Send the numbered canary stream (data-loss accounting). */
  canary: boolean;
}

export class DrillSpecError extends Error {
  constructor(readonly path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'DrillSpecError';
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw new DrillSpecError(path, message);
}

function str(o: Obj, key: string, path: string, fallback?: string): string {
  const v = o[key] ?? fallback;
  if (typeof v !== 'string' || v.trim() === '') fail(`${path}.${key}`, 'must be a non-empty string');
  return v;
}

function num(o: Obj, key: string, path: string, fallback: number, min = 0): number {
  const v = o[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) fail(`${path}.${key}`, `must be a number ≥ ${min}`);
  return v;
}

function duration(o: Obj, key: string, path: string, fallback: string): number {
  const v = o[key] ?? fallback;
  if (typeof v === 'number' && v >= 0) return v * 1000;
  if (typeof v !== 'string') fail(`${path}.${key}`, 'must be a duration such as 30s, 2m, 1h');
  try {
    return parseDuration(v, `${path}.${key}`);
  } catch (err) {
    return fail(`${path}.${key}`, (err as Error).message.replace(/^[^:]*: /, ''));
  }
}

function strings(o: Obj, key: string, path: string, fallback: string[]): string[] {
  const v = o[key] ?? fallback;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) fail(`${path}.${key}`, 'must be a list of names');
  return v as string[];
}

function only(o: Obj, path: string, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${path}.${k}`, `unknown field (known: ${keys.join(', ')})`);
}

const METRICS: SteadyStateMetric[] = ['errorRatio', 'p95LatencyMs', 'callsPerMinute'];

/** Validates a parsed spec object and fills in defaults. */
export function validateDrillSpec(input: unknown): DrillSpec {
  if (!isObj(input)) fail('spec', 'must be an object');
  only(input, 'spec', ['apiVersion', 'name', 'hypothesis', 'target', 'steadyState', 'faults', 'blastRadius', 'abort', 'expect', 'recovery', 'canary']);
  if (input.apiVersion !== undefined && input.apiVersion !== 'vigil.dev/drill/v1') fail('spec.apiVersion', 'must be vigil.dev/drill/v1');
  const name = str(input, 'name', 'spec');
  if (!/^[a-z0-9][a-z0-9._-]{0,99}$/.test(name)) fail('spec.name', 'lower-case letters, digits, ".", "_" and "-" only (at most 100)');
  const hypothesis = str(input, 'hypothesis', 'spec', `Vigil detects, pages and names the cause of ${name}`);

  const t = input.target ?? { kind: 'synthetic' };
  if (!isObj(t)) fail('spec.target', 'must be an object');
  only(t, 'spec.target', ['kind', 'services', 'rate', 'warmup', 'speed', 'seed']);
  const common = {
    ratePerSecond: num(t, 'rate', 'spec.target', 5, 0.1),
    warmupMs: duration(t, 'warmup', 'spec.target', '3h'),
    speed: num(t, 'speed', 'spec.target', 1, 0.1),
    seed: num(t, 'seed', 'spec.target', 1),
  };
  let target: DrillSpec['target'];
  if (t.kind === undefined || t.kind === 'synthetic') target = { kind: 'synthetic', ...common };
  else if (t.kind === 'real') {
    const services = strings(t, 'services', 'spec.target', []);
    if (services.length === 0) fail('spec.target.services', 'a real target names the services whose telemetry the drill emits');
    target = { kind: 'real', services, ...common };
  } else fail('spec.target.kind', 'must be synthetic or real');

  if (!Array.isArray(input.faults) || input.faults.length === 0) fail('spec.faults', 'must list at least one fault');
  const faults = input.faults.map((f, i): DrillFault => {
    const path = `spec.faults[${i}]`;
    if (!isObj(f)) fail(path, 'must be an object');
    only(f, path, ['type', 'service', 'at', 'duration']);
    const type = str(f, 'type', path);
    if (!FAULT_TYPES[type]) fail(`${path}.type`, `unknown fault type (known: ${faultTypeNames().join(', ')})`);
    return { type, service: str(f, 'service', path), atMs: duration(f, 'at', path, '1m'), durationMs: duration(f, 'duration', path, '3m') };
  });

  const steadyRaw = input.steadyState ?? [];
  if (!Array.isArray(steadyRaw)) fail('spec.steadyState', 'must be a list');
  const steadyState = steadyRaw.map((c, i): SteadyStateCheck => {
    const path = `spec.steadyState[${i}]`;
    if (!isObj(c)) fail(path, 'must be an object');
    only(c, path, ['service', 'metric', 'max', 'min', 'window']);
    const metric = str(c, 'metric', path) as SteadyStateMetric;
    if (!METRICS.includes(metric)) fail(`${path}.metric`, `must be one of ${METRICS.join(', ')}`);
    if (c.max === undefined && c.min === undefined) fail(path, 'needs max or min');
    return {
      service: str(c, 'service', path),
      metric,
      max: c.max === undefined ? undefined : num(c, 'max', path, 0),
      min: c.min === undefined ? undefined : num(c, 'min', path, 0),
      windowMs: duration(c, 'window', path, '5m'),
    };
  });

  const blastRadius = strings(input, 'blastRadius', 'spec', [...new Set(faults.map((f) => f.service))]);
  const a = input.abort ?? {};
  if (!isObj(a)) fail('spec.abort', 'must be an object');
  only(a, 'spec.abort', ['onSteadyStateBreach', 'maxDuration']);
  if (a.onSteadyStateBreach !== undefined && typeof a.onSteadyStateBreach !== 'boolean') fail('spec.abort.onSteadyStateBreach', 'must be true or false');
  const lastFaultEndMs = Math.max(...faults.map((f) => f.atMs + f.durationMs));
  const recoveryMs = duration(input, 'recovery', 'spec', '3m');
  const abort = { onSteadyStateBreach: a.onSteadyStateBreach !== false, maxDurationMs: duration(a, 'maxDuration', 'spec.abort', `${Math.ceil((lastFaultEndMs + recoveryMs) / 1000) + 600}s`) };
  if (abort.maxDurationMs < lastFaultEndMs) fail('spec.abort.maxDuration', 'is shorter than the fault schedule');

  const e = input.expect ?? {};
  if (!isObj(e)) fail('spec.expect', 'must be an object');
  only(e, 'spec.expect', ['detectWithin', 'pageWithin', 'rootCause', 'maxFalseAlarms', 'maxDataLoss']);
  const expect = {
    detectWithinMs: duration(e, 'detectWithin', 'spec.expect', '30s'),
    pageWithinMs: duration(e, 'pageWithin', 'spec.expect', '60s'),
    rootCause: str(e, 'rootCause', 'spec.expect', faults[0].service),
    maxFalseAlarms: num(e, 'maxFalseAlarms', 'spec.expect', 0),
    maxDataLoss: num(e, 'maxDataLoss', 'spec.expect', 0),
  };
  if (input.canary !== undefined && typeof input.canary !== 'boolean') fail('spec.canary', 'must be true or false');
  return { name, hypothesis, target, steadyState, faults, blastRadius, abort, expect, recoveryMs, canary: input.canary !== false };
}

/** Parses YAML or JSON text (JSON is YAML) into a validated spec. */
export function parseDrillSpec(text: string): DrillSpec {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new DrillSpecError('spec', `not YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  return validateDrillSpec(doc);
}
