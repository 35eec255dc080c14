import { h } from '../dom.js';

/** Pages whose backend does not exist yet: they say what will be there, and show no invented data. */
function placeholder(title, what, missing) {
  return (root) => {
    root.append(h('div', { class: 'panel empty' },
      h('h2', { text: title }),
      h('p', {}, what),
      h('p', { class: 'muted' }, missing, ' Until then, the ', h('a', { href: '#/live', text: 'Live' }), ' page lists open anomalies as they are detected.'),
    ));
    return { update() {}, unmount() {} };
  };
}

export const incidentsPage = placeholder('Incidents — not available yet',
  'Incidents will group related anomalies: status, severity, services, start and duration, with a timeline, ranked root-cause suspects and the evidence for each, linked anomalies and changes, and ack / resolve.',
  'Vigil does not group anomalies into incidents yet (issue 6), so there is nothing to show here.');

export const serviceMapPage = placeholder('Service map — not available yet',
  'The service map will draw services and their calls as a graph, with rate, errors and latency on the edges and each service\'s anomaly and incident state on its node, for the chosen time range.',
  'Vigil already keeps service-to-service call edges per minute, but no API serves them yet, and node state waits for incidents (issue 6).');
