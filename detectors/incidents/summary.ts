import type { AnomalyInput } from './model.js';
import { familyOf } from './signals.js';
import type { Incident } from './types.js';

/** How an incident reads: its title, its change digest, copies handed out. */

/** "Errors in payments, affecting checkout, frontend". */
export function titleOf(inc: Incident, anomalies: readonly AnomalyInput[]): string {
  // A peer (database, cache …) has no anomalies of its own: its callers' describe it.
  const own = anomalies.filter((a) => a.service === inc.rootService);
  const families = new Set((own.length > 0 ? own : anomalies).map((a) => familyOf(a)));
  const what = families.has('errors') ? 'Errors' : families.has('latency') ? 'Latency' : families.has('traffic') ? 'Traffic change' : families.has('saturation') ? 'Metric anomaly' : 'Log anomaly';
  const others = inc.services.filter((s) => s !== inc.rootService);
  return `${what} in ${inc.rootService || 'unknown'}${others.length > 0 ? `, affecting ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}` : ''}`;
}

/** What an `updated` transition is about: when it is unchanged, there is no transition. */
export function digestOf(inc: Incident): string {
  return JSON.stringify([inc.status, inc.severity, inc.rootService, inc.services, inc.anomalyIds, inc.suspects.map((s) => [s.kind, s.name, s.rank])]);
}

/** A deep copy: what the engine hands out never aliases its state. */
export function copyIncident(inc: Incident): Incident {
  return { ...inc, services: [...inc.services], anomalyIds: [...inc.anomalyIds], suspects: inc.suspects.map((s) => ({ ...s, evidence: { ...s.evidence } })) };
}
