import { h } from '../dom.js';
import { routeHref, sharedParams } from '../router.js';
import { logsTab } from './logs.js';
import { metricsTab } from './metrics.js';
import { patternsTab } from './patterns.js';
import { tracesTab } from './traces.js';

const TABS = { logs: ['Logs', logsTab], patterns: ['Patterns', patternsTab], traces: ['Traces', tracesTab], metrics: ['Metrics', metricsTab] };

/** Explore: logs, patterns, traces and metrics, one tab each, every filter in the URL. */
export function explorePage(root, initialRoute) {
  const links = Object.entries(TABS).map(([tab, [label]]) => h('a', { dataset: { tab }, text: label }));
  const body = h('div');
  root.append(h('nav', { class: 'subnav', 'aria-label': 'Explore' }, links), body);
  let current;

  function show(route) {
    const tab = TABS[route.tab] ? route.tab : 'logs';
    for (const a of links) {
      a.classList.toggle('active', a.dataset.tab === tab);
      a.setAttribute('href', routeHref('explore', a.dataset.tab, sharedParams(route)));
    }
    if (current?.tab === tab) return current.view.update(route);
    current?.view.unmount();
    body.replaceChildren();
    current = { tab, view: TABS[tab][1](body, { ...route, tab }) };
  }
  show(initialRoute);
  return { update: show, unmount: () => current?.view.unmount() };
}
