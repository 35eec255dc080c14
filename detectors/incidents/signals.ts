import type { AnomalyInput } from './model.js';
import type { IncidentSeverity } from './types.js';

/**
 * How much an anomaly says about its service. Errors on a service's own spans and new
 * error patterns say most; traffic shifts and bare metric moves less; a rising log rate
 * at a severity below WARN, or a pattern that only rose alongside another anomaly, is
 * context for an incident, never a reason to open one.
 */
export type SignalFamily = 'errors' | 'latency' | 'traffic' | 'saturation' | 'logs';

const ERROR_SEVERITIES = new Set(['ERROR', 'FATAL', 'CRITICAL', 'ERR', 'EMERG', 'ALERT', 'CRIT']);
const PATTERN_SIGNALS = new Set(['log_pattern', 'log_pattern_new', 'log_pattern_correlated']);

export function isPatternSignal(signal: string): boolean {
  return PATTERN_SIGNALS.has(signal);
}

function isErrorLog(a: Pick<AnomalyInput, 'signal' | 'name' | 'attributes'>): boolean {
  if (a.signal === 'log_rate') return ERROR_SEVERITIES.has(a.name.toUpperCase());
  const severity = a.attributes.severity?.toUpperCase();
  return severity === undefined || ERROR_SEVERITIES.has(severity) || severity.startsWith('ERROR') || severity.startsWith('FATAL');
}

export function familyOf(a: Pick<AnomalyInput, 'signal' | 'name' | 'stat' | 'attributes'>): SignalFamily {
  switch (a.signal) {
    case 'span_errors':
      return 'errors';
    case 'span_latency':
      return 'latency';
    case 'span_rate':
      return 'traffic';
    case 'metric':
      return a.stat === 'p95' || a.stat === 'mean' || /duration|latency/i.test(a.name) ? 'latency' : 'saturation';
    case 'service_features':
      // The isolation forest judges a service's whole minute (RED, log errors, resources) at once.
      return 'saturation';
    default:
      return isErrorLog(a) ? 'errors' : 'logs';
  }
}

/** 0..1: how strongly an anomaly of this kind implicates its own service. */
export function signalWeight(a: Pick<AnomalyInput, 'signal' | 'name' | 'stat' | 'attributes'>): number {
  switch (a.signal) {
    case 'span_errors':
      return 1;
    case 'span_latency':
      return 0.9;
    case 'log_pattern_new':
      return isErrorLog(a) ? 0.9 : 0.5;
    case 'log_rate':
      return isErrorLog(a) ? 0.8 : 0.3;
    case 'metric':
      return 0.7;
    case 'log_pattern':
      return 0.7;
    case 'span_rate':
    case 'service_features':
      return 0.6;
    default:
      return 0.5;
  }
}

/** A volume anomaly opens an incident only when the volume moved this many times over (or under) normal. */
export const VOLUME_FACTOR = 3;

/**
 * Whether an anomaly may open an incident by itself: a strong enough score on a signal
 * that is more than context (see README, Incidents). Volume — span rates, log rates below
 * ERROR — pages only on a large move (≥ 3× normal, or down to a third: a flood, a surge, a
 * service gone silent); a small one is load or noise and only joins an incident. A volume
 * anomaly called from a service gone silent (detector `…-silence`: the minute it stopped
 * in, as it stands, and a silence no Poisson noise explains) is a stop, however much of that
 * minute came before it.
 */
export function canOpen(a: Pick<AnomalyInput, 'signal' | 'name' | 'stat' | 'attributes' | 'peakScore' | 'expected' | 'actual' | 'detector'>, minScore: number): boolean {
  if (!(a.peakScore >= minScore)) return false;
  if (a.signal === 'log_pattern' || a.signal === 'log_pattern_correlated') return false;
  if (a.signal === 'log_pattern_new') return isErrorLog(a);
  if (a.signal === 'span_rate' || (a.signal === 'log_rate' && !isErrorLog(a))) return largeMove(a) || silenced(a);
  return true;
}

function silenced(a: Pick<AnomalyInput, 'detector' | 'expected' | 'actual'>): boolean {
  return a.detector?.endsWith('-silence') === true && a.actual !== undefined && a.expected !== undefined && a.actual < a.expected;
}

function largeMove(a: Pick<AnomalyInput, 'expected' | 'actual'>): boolean {
  if (a.expected === undefined || a.actual === undefined || !Number.isFinite(a.expected) || !Number.isFinite(a.actual)) return false;
  const expected = Math.max(a.expected, 1e-9);
  return a.actual >= VOLUME_FACTOR * expected || a.actual <= expected / VOLUME_FACTOR;
}

/**
 * Severity from the evidence: critical when a strong error signal spreads over three or
 * more services; error for a strong error signal, or any strong anomaly across services;
 * warning otherwise; info when nothing reached the opening score.
 */
export function severityOf(anomalies: Iterable<Pick<AnomalyInput, 'signal' | 'name' | 'stat' | 'attributes' | 'peakScore'>>, affectedServices: number, minScore: number): IncidentSeverity {
  let maxScore = 0;
  let maxErrorScore = 0;
  for (const a of anomalies) {
    maxScore = Math.max(maxScore, a.peakScore);
    if (familyOf(a) === 'errors') maxErrorScore = Math.max(maxErrorScore, a.peakScore);
  }
  if (maxErrorScore >= 0.9 && affectedServices >= 3) return 'critical';
  if (maxErrorScore >= 0.75 || (maxScore >= 0.9 && affectedServices >= 2)) return 'error';
  if (maxScore >= minScore) return 'warning';
  return 'info';
}
