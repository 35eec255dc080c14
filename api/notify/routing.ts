import type { Incident } from '../../detectors/incidents/types.js';
import type { RouteRule } from './config.js';

/**
 * The labels a route can match: `service` (every affected service), `rootService`,
 * `severity`, `fingerprint` and `title`.
 */
export function incidentLabels(incident: Incident): Record<string, string[]> {
  return {
    service: incident.services,
    rootService: [incident.rootService],
    severity: [incident.severity],
    fingerprint: [incident.fingerprint],
    title: [incident.title],
  };
}

function matches(route: RouteRule, incident: Incident): boolean {
  if (route.services.length > 0 && !incident.services.some((s) => route.services.includes(s))) return false;
  if (route.severities.length > 0 && !route.severities.includes(incident.severity)) return false;
  const labels = incidentLabels(incident);
  return Object.entries(route.labels).every(([name, wanted]) => (labels[name] ?? []).some((v) => wanted.includes(v)));
}

/**
 * The channels an incident goes to. No routes: every channel. Otherwise routes are tried in
 * order and the first match wins (later ones too while a match says `continue`); when none
 * matches, the `default` routes apply.
 */
export function routeIncident(incident: Incident, routes: readonly RouteRule[], allChannels: readonly string[]): string[] {
  if (routes.length === 0) return [...allChannels];
  const out = new Set<string>();
  let matched = false;
  for (const route of routes) {
    if (route.default || !matches(route, incident)) continue;
    matched = true;
    for (const c of route.channels) out.add(c);
    if (!route.continue) break;
  }
  if (!matched) for (const route of routes) if (route.default) for (const c of route.channels) out.add(c);
  return [...out];
}
