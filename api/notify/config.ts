import type { IncidentSeverity } from '../../detectors/incidents/types.js';
import { CHANNEL_TYPES, type Channel } from './channels/index.js';
import { SEVERITIES } from './channels/types.js';

/**
 * The structured parts of the `notify.*` configuration: channels and routes. Each reader
 * is called once at start-up by the config loader and throws an Error whose message starts
 * with the path at fault (`notify.channels[1].routingKey: …`).
 */

export interface RouteRule {
  /** Any affected service in this list (empty: any). */
  services: string[];
  /** The incident's severity in this list (empty: any). */
  severities: IncidentSeverity[];
  /** Every label has one of the listed values (see incidentLabels). */
  labels: Record<string, string[]>;
  channels: string[];
  /** Keep evaluating the following routes after this one matched. */
  continue: boolean;
  /** Used only when no other route matched. */
  default: boolean;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseChannels(value: unknown, context: { key: string; env: NodeJS.ProcessEnv }): Channel[] {
  const { key, env } = context;
  if (!Array.isArray(value)) throw new Error(`${key}: expected a list of channels ({ name, type, url, … })`);
  const names = new Set<string>();
  return value.map((entry, i) => {
    const where = `${key}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where}: expected an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.name !== 'string' || !NAME.test(e.name)) throw new Error(`${where}.name: required, letters, digits, '_', '.', '-' (at most 64)`);
    if (names.has(e.name)) throw new Error(`${where}.name: duplicate channel name ${e.name}`);
    names.add(e.name);
    const definition = CHANNEL_TYPES[e.type as keyof typeof CHANNEL_TYPES];
    if (!definition) throw new Error(`${where}.type: must be one of ${Object.keys(CHANNEL_TYPES).join(', ')}, got ${JSON.stringify(e.type)}`);
    const allowed = new Set(['name', 'type', ...definition.fields, ...definition.fields.map((f) => `${f}File`)]);
    for (const field of Object.keys(e)) {
      if (!allowed.has(field)) throw new Error(`${where}.${field}: unknown field for a ${e.type} channel (known: ${[...allowed].join(', ')})`);
    }
    return definition.parse(e, env, where) as Channel;
  });
}

export function parseRoutes(value: unknown, context: { key: string }): RouteRule[] {
  const { key } = context;
  if (!Array.isArray(value)) throw new Error(`${key}: expected a list of routes ({ services, severities, labels, channels })`);
  return value.map((entry, i) => {
    const where = `${key}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where}: expected an object`);
    const e = entry as Record<string, unknown>;
    for (const field of Object.keys(e)) {
      if (!['services', 'severities', 'labels', 'channels', 'continue', 'default'].includes(field)) throw new Error(`${where}.${field}: unknown field`);
    }
    const severities = stringList(e.severities, `${where}.severities`);
    for (const s of severities) if (!SEVERITIES.includes(s as IncidentSeverity)) throw new Error(`${where}.severities: ${s} is not one of ${SEVERITIES.join(', ')}`);
    const labels: Record<string, string[]> = {};
    if (e.labels !== undefined) {
      if (typeof e.labels !== 'object' || e.labels === null || Array.isArray(e.labels)) throw new Error(`${where}.labels: expected a map of label → value or list of values`);
      for (const [name, v] of Object.entries(e.labels)) labels[name] = typeof v === 'string' ? [v] : stringList(v, `${where}.labels.${name}`);
    }
    const channels = stringList(e.channels, `${where}.channels`);
    if (channels.length === 0) throw new Error(`${where}.channels: required, at least one channel name`);
    for (const flag of ['continue', 'default'] as const) {
      if (e[flag] !== undefined && typeof e[flag] !== 'boolean') throw new Error(`${where}.${flag}: expected true or false`);
    }
    return { services: stringList(e.services, `${where}.services`), severities: severities as IncidentSeverity[], labels, channels, continue: e.continue === true, default: e.default === true };
  });
}

/** Every route names configured channels (checked once both keys are read). */
export function checkRouteChannels(routes: readonly RouteRule[], channels: readonly Channel[], key = 'notify.routes'): void {
  const names = new Set(channels.map((c) => c.name));
  routes.forEach((r, i) =>
    r.channels.forEach((c, j) => {
      if (!names.has(c)) throw new Error(`${key}[${i}].channels[${j}]: no channel named ${c} in notify.channels`);
    }),
  );
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) throw new Error(`${where}: expected a list of strings`);
  return value as string[];
}
