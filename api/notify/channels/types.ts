import type { Incident, IncidentMessage, IncidentSeverity } from '../../../detectors/incidents/types.js';
import type { Secret } from '../../config/secret.js';

/** What a transition asks of a channel: opened/reopened trigger, updated only refreshes (never pages). */
export type Action = 'trigger' | 'acknowledge' | 'resolve' | 'refresh';

export const SEVERITIES: readonly IncidentSeverity[] = ['critical', 'error', 'warning', 'info'];

export interface ChannelBase {
  name: string;
  type: string;
}

export interface OutboundRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface RenderContext {
  message: IncidentMessage;
  action: Action;
  /** Stable per (incident id, version, channel): the idempotency key receivers can dedup on. */
  deliveryId: string;
  /** Link to the incident in Vigil's UI, '' when notify.publicUrl is not set. */
  incidentUrl: string;
  /** Wall clock of this attempt (signatures and Alertmanager's endsAt are per attempt). */
  nowMs: number;
  /** How long Alertmanager should keep a firing alert without hearing from Vigil. */
  alertTtlMs: number;
}

/**
 * One kind of channel. Adding a kind is one entry in the registry (channels/index.ts): how
 * its config entry is read, which actions it takes, and the request each action becomes.
 */
export interface ChannelDefinition<C extends ChannelBase = ChannelBase> {
  /** Config fields besides name and type (`<secret>File` variants are implied). */
  fields: readonly string[];
  /** Reads one `notify.channels` entry (secrets resolved); throws an Error naming `where`. */
  parse(entry: Record<string, unknown>, env: NodeJS.ProcessEnv, where: string): C;
  /** send: render and deliver; skip: record that the channel has no such action. Absent: ignored. */
  actions: Partial<Record<Action, 'send' | 'skip'>>;
  render(channel: C, ctx: RenderContext): OutboundRequest;
}

export type { Incident, IncidentMessage, IncidentSeverity, Secret };

/** A required URL field: absolute http(s). */
export function urlField(entry: Record<string, unknown>, field: string, where: string, fallback?: string): string {
  const raw = entry[field] ?? fallback;
  if (typeof raw !== 'string' || raw === '') throw new Error(`${where}.${field}: required (an http or https URL)`);
  checkUrl(raw, `${where}.${field}`);
  return raw.replace(/\/+$/, '');
}

export function checkUrl(raw: string, where: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${where}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${where}: must be http or https, got ${url.protocol}`);
}

/** An optional `{ critical: X, … }` map onto a channel's own severity words. */
export function severityMap<T extends string>(entry: Record<string, unknown>, field: string, where: string, allowed: readonly T[], defaults: Record<IncidentSeverity, T>): Record<IncidentSeverity, T> {
  const raw = entry[field];
  if (raw === undefined) return defaults;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}.${field}: expected a map from ${SEVERITIES.join('|')}`);
  const out = { ...defaults };
  for (const [k, v] of Object.entries(raw)) {
    if (!SEVERITIES.includes(k as IncidentSeverity)) throw new Error(`${where}.${field}.${k}: not a severity (${SEVERITIES.join(', ')})`);
    if (!allowed.includes(v as T)) throw new Error(`${where}.${field}.${k}: must be one of ${allowed.join(', ')}`);
    out[k as IncidentSeverity] = v as T;
  }
  return out;
}

/** The top-ranked suspect, if any. */
export function topSuspect(incident: Incident) {
  return [...incident.suspects].sort((a, b) => a.rank - b.rank)[0];
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
