import type { Incident, IncidentMessage, IncidentTransition } from '../../detectors/incidents/types.js';

/** 2026-01-01T00:00:00Z, event time of the fixture incidents. */
export const INCIDENT_START_MS = Date.UTC(2026, 0, 1);

/** An incident as the incident engine publishes it; `id` keeps tests apart. */
export function incident(id: string, patch: Partial<Incident> = {}): Incident {
  return {
    id,
    fingerprint: `fp-${id}`,
    title: 'checkout latency p95 5x above expected',
    status: 'open',
    severity: 'critical',
    services: ['checkout', 'payments'],
    rootService: 'payments',
    startMs: INCIDENT_START_MS,
    updatedMs: INCIDENT_START_MS + 60_000,
    anomalyIds: ['anomaly-1', 'anomaly-2'],
    suspects: [
      {
        kind: 'service',
        name: 'payments',
        service: 'payments',
        rank: 1,
        confidence: 0.82,
        explanation: 'payments errors rose 42 s before checkout latency; checkout calls payments',
        evidence: { onsetLeadSeconds: 42, downstreamDepth: 1 },
      },
    ],
    version: 1,
    ...patch,
  };
}

const STATUS: Record<IncidentTransition, Incident['status']> = { opened: 'open', updated: 'open', reopened: 'open', acknowledged: 'acknowledged', resolved: 'resolved' };

/** The message of a transition to `version`, with the incident fields that transition sets. */
export function transition(id: string, kind: IncidentTransition, version: number, patch: Partial<Incident> = {}): IncidentMessage {
  const at = INCIDENT_START_MS + version * 60_000;
  const extra: Partial<Incident> =
    kind === 'acknowledged' ? { acknowledgedMs: at, acknowledgedBy: 'alice' } : kind === 'resolved' ? { resolvedMs: at, resolvedBy: 'bob' } : {};
  return { transition: kind, incident: incident(id, { status: STATUS[kind], version, updatedMs: at, ...extra, ...patch }), atMs: Date.now() };
}
