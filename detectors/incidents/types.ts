/**
 * The incident contract shared by the incident engine (producer), the notifier, the API,
 * the UI, DORA/change risk and chaos drills (consumers). Times are event time in
 * milliseconds since the epoch.
 */

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** PagerDuty Events v2 severities; Alertmanager gets the same word as its `severity` label. */
export type IncidentSeverity = 'critical' | 'error' | 'warning' | 'info';

/** One ranked root-cause candidate, explained in words and numbers. */
export interface Suspect {
  kind: 'service' | 'pattern' | 'change';
  /** Service name, log template text, or change summary (e.g. "deploy payments v2.4.1"). */
  name: string;
  /** The service the suspect is about. */
  service: string;
  /** 1 = most likely. */
  rank: number;
  /** 0..1. */
  confidence: number;
  /** One or two sentences a person reads, with the numbers behind the rank. */
  explanation: string;
  /** The numbers behind the rank, by name (e.g. { onsetLeadSeconds: 42, downstreamDepth: 2 }). */
  evidence: Record<string, number | string>;
  /** Anomaly id, template id or event id (`source/id`) the suspect points at. */
  ref?: string;
}

export interface Incident {
  /** Stable for the incident's life (survives updates, acks, resolve and reopen). */
  id: string;
  /** Stable grouping key; the paging dedup key (PagerDuty `dedup_key`, Alertmanager labels). */
  fingerprint: string;
  title: string;
  status: IncidentStatus;
  severity: IncidentSeverity;
  /** Affected services, most suspect first. */
  services: string[];
  /** The top-ranked service suspect, '' when none. */
  rootService: string;
  startMs: number;
  /** Last time anything joined or changed, event time. */
  updatedMs: number;
  acknowledgedMs?: number;
  acknowledgedBy?: string;
  resolvedMs?: number;
  resolvedBy?: string;
  anomalyIds: string[];
  suspects: Suspect[];
  /** Incremented on every transition; (id, version) names a transition exactly once. */
  version: number;
}

export type IncidentTransition = 'opened' | 'updated' | 'acknowledged' | 'resolved' | 'reopened';

/** What the incident engine publishes on `INCIDENT_TOPIC` for every transition. */
export interface IncidentMessage {
  transition: IncidentTransition;
  incident: Incident;
  /** Wall-clock time the transition happened (ms), for time-to-page measurement. */
  atMs: number;
  /** The incident command (ack/resolve sent through `INCIDENT_COMMAND_TOPIC`) that caused it, if any. */
  commandId?: string;
}

export const INCIDENT_TOPIC = 'vigil.incidents';

/**
 * A person's action on an incident, sent by a process without the incident engine (the `api`
 * role) to the one that runs it (a `detector` role). Applied once per `id`.
 */
export interface IncidentCommand {
  /** Unique per command; a redelivered command with a known id is not applied again. */
  id: string;
  action: 'ack' | 'resolve';
  incidentId: string;
  /** Who acts (a token's holder, or the `by` of the request when auth is off). */
  by: string;
  /** Wall-clock time the command was issued (ms). */
  issuedAtMs: number;
  /** Optional words for the timeline. */
  note?: string;
}

export const INCIDENT_COMMAND_TOPIC = 'vigil.incident-commands';
