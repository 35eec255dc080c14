import { h } from './dom.js';

/** How an incident reads in lists and headers. */

/** How long an incident has lasted: to its resolution, else to now (or its last event, when that is ahead of the wall clock). */
export function incidentDurationMs(i) {
  const start = Date.parse(i.start);
  const end = i.resolvedAt ? Date.parse(i.resolvedAt) : Math.max(Date.now(), Date.parse(i.updated));
  return Math.max(0, end - start);
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}`, text: status });
}

export function severityBadge(severity) {
  return h('span', { class: `sev-badge ${severity}`, text: severity });
}
