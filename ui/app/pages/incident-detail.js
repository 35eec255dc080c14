import { api } from '../api.js';
import { chartWindow, hasScores, patternLogsParams, scoreBadge, seriesLabel, valueSummary } from '../anomaly-format.js';
import { bandChart, scoresToData } from '../charts.js';
import { debounce, h } from '../dom.js';
import { incidentDurationMs, severityBadge, statusBadge } from '../incident-format.js';
import { routeHref, sharedParams } from '../router.js';
import { fmtDuration, fmtWhen, toMs } from '../time.js';

const MAX_ANOMALY_CHARTS = 8;
/** Besides stream events, an unresolved incident is refetched this often (a reconnecting stream can miss one). */
const REFRESH_MS = 15_000;

/**
 * One incident: what and since when, ack / resolve, the ranked suspects with their evidence,
 * the timeline, the linked anomalies charted, and the changes. Stream events for this
 * incident refetch it (debounced), so the page follows the engine without a reload.
 */
export function incidentDetail(host, id) {
  let charts = [];
  let incident;
  let acting = false;
  /** An action sent to the incident engine (scale-out: answered 202) that it has not applied yet. */
  let sentAction;
  const head = h('div', { class: 'incident-head' });
  const actions = h('div', { class: 'actions' });
  const message = h('div', { class: 'error-banner', hidden: true, role: 'alert' });
  const suspectsBody = h('tbody');
  const timelineEl = h('ol', { class: 'timeline' });
  const anomaliesEl = h('div', { class: 'mini-charts' });
  const changesEl = h('div');
  host.append(
    h('div', { class: 'crumbs' }, h('a', { href: routeHref('incidents', '', sharedParams()), text: '← Incidents' })),
    h('section', { class: 'panel' }, h('div', { class: 'panel-head incident-title' }, head, h('span', { class: 'spacer' }), actions), message),
    h('div', { class: 'incident-grid' },
      h('section', { class: 'panel suspects' },
        h('div', { class: 'panel-head' }, h('h2', { text: 'Suspects' }), h('span', { class: 'count', text: 'ranked: most likely root cause first' })),
        h('table', { class: 'grid suspects-table' },
          h('colgroup', {}, h('col', { width: '44' }), h('col', { width: '200' }), h('col', { width: '120' }), h('col')),
          h('thead', {}, h('tr', {}, ['#', 'Suspect', 'Confidence', 'Why'].map((t) => h('th', { text: t })))),
          suspectsBody)),
      h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', { text: 'Timeline' })), h('div', { class: 'panel-body timeline-body' }, timelineEl)),
      h('section', { class: 'panel wide' }, h('div', { class: 'panel-head' }, h('h2', { text: 'Linked anomalies' })), h('div', { class: 'panel-body' }, anomaliesEl)),
      h('section', { class: 'panel wide' }, h('div', { class: 'panel-head' }, h('h2', { text: 'Changes' })), h('div', { class: 'panel-body' }, changesEl))));

  function renderHead() {
    const i = incident;
    head.replaceChildren(
      statusBadge(i.status), severityBadge(i.severity), h('h2', { text: i.title }),
      h('span', { class: 'count', text: `${i.services.join(', ')} · started ${fmtWhen(Date.parse(i.start))} · ${fmtDuration(incidentDurationMs(i))}` }));
    const who = [i.acknowledgedBy && `acked by ${i.acknowledgedBy}`, i.resolvedBy && `resolved by ${i.resolvedBy}`].filter(Boolean).join(' · ');
    actions.replaceChildren(...[
      sentAction ? h('span', { class: 'note', dataset: { pending: sentAction }, text: `${sentAction === 'ack' ? 'Acknowledge' : 'Resolve'} sent to the incident engine; shown here once it is applied.` }) : '',
      who ? h('span', { class: 'count', text: who }) : '',
      h('button', { type: 'button', name: 'ack', disabled: acting || i.status !== 'open', onclick: () => act('ack'), text: 'Acknowledge' }),
      h('button', { type: 'button', name: 'resolve', class: 'primary', disabled: acting || i.status === 'resolved', onclick: () => act('resolve'), text: 'Resolve' })]);
  }

  async function act(action) {
    acting = true;
    renderHead();
    try {
      const { incident: next, commandId } = await api.incidentAction(id, action);
      sentAction = commandId && next.status === incident.status ? action : undefined;
      if (next.version >= incident.version) incident = next; // the stream may have brought a newer one meanwhile
      message.hidden = true;
    } catch (err) {
      message.textContent = `Could not ${action === 'ack' ? 'acknowledge' : 'resolve'}: ${err.message}`;
      message.hidden = false;
    } finally {
      acting = false;
      renderHead();
    }
  }

  function renderSuspects() {
    const rows = incident.suspects.map((s) => {
      const bar = h('span', { class: 'fill' });
      bar.style.width = `${Math.round(s.confidence * 100)}%`;
      const evidence = Object.entries(s.evidence ?? {}).map(([k, v]) => h('span', { class: 'ev' }, h('span', { class: 'muted', text: `${k} ` }), String(v)));
      return h('tr', { dataset: { rank: s.rank, name: s.name } },
        h('td', { class: 'num', text: s.rank }),
        h('td', { title: s.name }, h('span', { class: `kind-tag ${s.kind}`, text: s.kind }), ' ', h('b', { text: s.name })),
        h('td', {}, h('span', { class: 'confidence', title: `${(s.confidence * 100).toFixed(0)} %` }, bar), h('span', { class: 'count', text: ` ${(s.confidence * 100).toFixed(0)}%` })),
        h('td', { class: 'why' }, h('div', { text: s.explanation }), h('div', { class: 'evidence' }, evidence)));
    });
    suspectsBody.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: '4', class: 'muted', text: 'No suspects ranked yet.' }))]));
  }

  function renderTimeline(timeline) {
    timelineEl.replaceChildren(...timeline.map((t) =>
      h('li', { class: `tl-${t.kind}` }, h('span', { class: 'time', text: fmtWhen(Date.parse(t.time)), title: t.time }), h('span', { class: 'badge', text: t.kind }), h('span', { class: 'msg', text: t.message }))));
    if (!timeline.length) timelineEl.append(h('li', { class: 'muted', text: 'Nothing recorded yet.' }));
  }

  function renderAnomalies(anomalies) {
    for (const c of charts) c.destroy();
    charts = [];
    const range = { from: new Date(Date.parse(incident.start) - 3 * 3_600_000).toISOString(), to: new Date(incidentDurationMs(incident) + Date.parse(incident.start) + 30 * 60_000).toISOString() };
    const shown = [...anomalies].sort((a, b) => b.peakScore - a.peakScore).slice(0, MAX_ANOMALY_CHARTS);
    anomaliesEl.replaceChildren(...shown.map((a) => {
      if (!hasScores(a.seriesKey)) return unscoredCard(a);
      const plot = h('div', { class: 'plot' });
      const card = h('a', { class: 'chart-card mini', href: routeHref('live', '', { ...sharedParams(), series: a.seriesKey }), title: valueSummary(a), dataset: { key: a.seriesKey } },
        h('div', { class: 'title' }, scoreBadge(a.peakScore), h('span', { class: 'svc', text: a.service }), h('span', { class: 'series', text: seriesLabel(a) })),
        plot);
      void chartInto(plot, a, range);
      return card;
    }));
    if (!anomalies.length) anomaliesEl.append(h('div', { class: 'muted', text: 'No anomalies linked.' }));
    if (anomalies.length > shown.length) anomaliesEl.append(h('div', { class: 'muted', text: `and ${anomalies.length - shown.length} more with lower scores` }));
  }

  /**
   * An anomaly without a scored series (a new or correlated log pattern, a whole-minute
   * judgement of the service): its card says what it is and links to where to look.
   */
  function unscoredCard(a) {
    const pattern = a.signal.startsWith('log_pattern');
    const href = pattern ? routeHref('explore', 'logs', { ...sharedParams(), ...patternLogsParams(a) }) : routeHref('live', '', { ...sharedParams(), service: a.service });
    const what = a.signal === 'log_pattern_new' ? 'A log pattern seen for the first time.' : pattern ? 'A log pattern that rose with the incident.' : `The service's whole minute judged anomalous (${a.signal}, ${a.detector ?? 'detector'}).`;
    return h('a', { class: 'chart-card mini pattern', href, title: valueSummary(a), dataset: { key: a.seriesKey } },
      h('div', { class: 'title' }, scoreBadge(a.peakScore), h('span', { class: 'svc', text: a.service }), h('span', { class: 'series', text: seriesLabel(a) })),
      h('div', { class: 'pattern-body' },
        h('div', { text: what }),
        h('div', { class: 'muted', text: `${a.start.slice(11, 19)} → ${a.end.slice(11, 19)} UTC · ${pattern ? 'open its log lines' : 'open the service on Live'}` })));
  }

  async function chartInto(plot, a, range) {
    const win = chartWindow(a, range, toMs);
    try {
      const scores = await api.seriesScores(a.seriesKey, win.since, win.until);
      if (!plot.isConnected) return;
      const chart = bandChart(plot, { height: 130 });
      charts.push(chart);
      chart.setData(scoresToData(scores), [[Date.parse(a.start), Date.parse(a.end) + 60_000]]);
    } catch (err) {
      plot.replaceChildren(h('div', { class: 'muted', text: `No chart: ${err.message}` }));
    }
  }

  function renderChanges(changes) {
    changesEl.replaceChildren(...changes.map((c) => h('div', { class: 'change' }, h('span', { class: 'time', text: fmtWhen(Date.parse(c.time)), title: c.time }), h('b', { text: c.summary }), h('span', { class: 'muted mono', text: ` ${c.id}` }))));
    if (!changes.length) changesEl.append(h('div', { class: 'muted', text: `No deploy, config or feature-flag change seen on these services shortly before the start.` }));
  }

  let lastAnomalyIds = '';
  async function load() {
    try {
      const d = await api.incident(id);
      incident = d.incident;
      message.hidden = true;
      renderHead();
      renderSuspects();
      renderTimeline(d.timeline);
      const ids = d.anomalies.map((a) => `${a.id}:${a.end}`).join();
      if (ids !== lastAnomalyIds) renderAnomalies(d.anomalies);
      lastAnomalyIds = ids;
      renderChanges(d.changes);
    } catch (err) {
      message.textContent = err.status === 404 ? `No incident ${id}.` : `Could not load the incident: ${err.message}`;
      message.hidden = false;
    }
  }
  const reload = debounce(() => void load(), 300);
  const onTheme = () => {
    lastAnomalyIds = '';
    reload();
  };
  window.addEventListener('vigil:theme', onTheme);
  const timer = setInterval(() => {
    if (incident && incident.status !== 'resolved' && !document.hidden) void load();
  }, REFRESH_MS);
  void load();

  return {
    id,
    /** A stream event for this incident: show its new state now, the rest after a refetch. */
    changed(next) {
      incident = next;
      sentAction = undefined;
      renderHead();
      renderSuspects();
      reload();
    },
    destroy() {
      clearInterval(timer);
      window.removeEventListener('vigil:theme', onTheme);
      for (const c of charts) c.destroy();
    },
  };
}
