import { api, isAbort } from '../api.js';
import { h } from '../dom.js';
import { incidentDurationMs, severityBadge, statusBadge } from '../incident-format.js';
import { subscribeIncidents } from '../live-stream.js';
import { navigate, routeHref, sharedParams, updateParams } from '../router.js';
import { fmtDuration, fmtWhen } from '../time.js';
import { incidentDetail } from './incident-detail.js';

const STATUSES = ['', 'open', 'acknowledged', 'resolved'];

/**
 * Incidents: the list (status, severity, services, started, duration), newest first,
 * kept current by the SSE stream's `incident` events; `#/incidents/<id>` is one incident.
 */
export function incidentsPage(root, initialRoute) {
  let route = initialRoute;
  let incidents = new Map();
  let abort;
  let detail;
  const p = (name) => route.params.get(name) ?? '';
  const status = h('select', { name: 'status', onchange: () => updateParams({ status: status.value }) },
    STATUSES.map((s) => h('option', { value: s, text: s || 'Any status' })));
  const service = h('input', { type: 'search', name: 'service', placeholder: 'Service (exact)  ( / )', 'data-search': true, onchange: () => updateParams({ service: service.value.trim() }) });
  const count = h('span', { class: 'count' });
  const errorEl = h('div', { class: 'error-banner', hidden: true });
  const tbody = h('tbody');
  const empty = h('div', { class: 'empty-inline', hidden: true });
  const list = h('div', { class: 'incidents' },
    h('div', { class: 'toolbar' }, status, service, count, h('span', { class: 'note', text: 'Updated live. Enter or click opens an incident.' })),
    errorEl,
    h('div', { class: 'panel scroll' },
      h('table', { class: 'grid incident-list' },
        h('colgroup', {}, h('col', { width: '110' }), h('col', { width: '84' }), h('col'), h('col', { width: '240' }), h('col', { width: '110' }), h('col', { width: '96' })),
        h('thead', {}, h('tr', {}, ['Status', 'Severity', 'Title', 'Services', 'Started', 'Duration'].map((t) => h('th', { text: t })))),
        tbody),
      empty));
  const detailHost = h('div', { hidden: true });
  root.append(list, detailHost);

  async function load() {
    abort?.abort();
    abort = new AbortController();
    try {
      const found = await api.incidents({ status: p('status'), service: p('service'), since: route.range.from, limit: 500 }, { signal: abort.signal });
      incidents = new Map(found.incidents.map((i) => [i.id, i]));
      errorEl.hidden = true;
      render();
    } catch (err) {
      if (isAbort(err)) return;
      errorEl.textContent = `Could not load incidents: ${err.message}`;
      errorEl.hidden = false;
    }
  }

  const matches = (i) => (!p('status') || i.status === p('status')) && (!p('service') || i.services.includes(p('service')));

  function row(i) {
    const open = () => navigate('incidents', i.id, sharedParams(route));
    const tr = h('tr', { tabindex: '0', dataset: { id: i.id, status: i.status }, onclick: open, onkeydown: (e) => e.key === 'Enter' && open() },
      h('td', {}, statusBadge(i.status)),
      h('td', {}, severityBadge(i.severity)),
      h('td', { title: i.title }, h('a', { href: routeHref('incidents', i.id, sharedParams(route)), text: i.title })),
      h('td', { text: i.services.join(', '), title: i.services.join(', ') }),
      h('td', { text: fmtWhen(Date.parse(i.start)), title: i.start }),
      h('td', { class: 'num', text: fmtDuration(incidentDurationMs(i)) }));
    return tr;
  }

  function render() {
    const shown = [...incidents.values()].filter(matches).sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
    tbody.replaceChildren(...shown.map(row));
    const open = shown.filter((i) => i.status === 'open').length;
    count.textContent = `${shown.length} incidents · ${open} open`;
    empty.hidden = shown.length > 0;
    empty.textContent = p('status') || p('service')
      ? 'No incident matches these filters.'
      : 'No incidents since the start of the range. Vigil opens one when anomalies with a peak score ≥ incidents.minScore appear (detectors need about 2.5 hours of history per series); related anomalies join it.';
  }

  function show() {
    const id = route.tab;
    list.hidden = Boolean(id);
    detailHost.hidden = !id;
    if (!id) {
      detail?.destroy();
      detail = undefined;
      detailHost.replaceChildren();
      if (status !== document.activeElement) status.value = p('status');
      if (service !== document.activeElement) service.value = p('service');
      return;
    }
    if (detail?.id !== id) {
      detail?.destroy();
      detailHost.replaceChildren();
      detail = incidentDetail(detailHost, id);
    }
  }

  const unsubscribe = subscribeIncidents((event) => {
    const { transition, ...incident } = event;
    incidents.set(incident.id, incident);
    if (!route.tab) render();
    if (detail?.id === incident.id) detail.changed(incident, transition);
  });

  show();
  void load();
  return {
    update(next) {
      const prev = route;
      route = next;
      show();
      if (prev.params.get('status') !== next.params.get('status') || prev.params.get('service') !== next.params.get('service') || prev.range.from !== next.range.from) void load();
      else if (!next.tab) render();
    },
    unmount() {
      abort?.abort();
      unsubscribe();
      detail?.destroy();
    },
  };
}
