import { api } from '../api.js';
import { hasScores } from '../anomaly-format.js';
import { bandChart, scoresToData } from '../charts.js';
import { h } from '../dom.js';
import { routeHref, sharedParams } from '../router.js';
import { fmtDateTime, fmtTime } from '../time.js';

const POLL_MS = 2_000;
const MAX_CHARTS = 4;
/** Chart margin before the drill's live phase: enough history to see the expected band. */
const CHART_LEAD_MS = 10 * 60_000;

export function drillStatusBadge(status) {
  return h('span', { class: `badge drill-${status}`, text: status });
}

/**
 * Per fault, its first anomalous series when that one is scored, else the first scored
 * series that turned anomalous in the blast radius (a new log pattern has no series to chart).
 */
function chartedSeries(r) {
  const blast = new Set(r.spec?.blastRadius ?? []);
  const seen = [...(r.recording?.anomalies ?? [])].sort((a, b) => a.wallMs - b.wallMs);
  const keys = r.score.faults.map((f) => {
    if (f.firstAnomaly && hasScores(f.firstAnomaly.seriesKey)) return f.firstAnomaly.seriesKey;
    return seen.find((a) => (blast.size === 0 || blast.has(a.service) || a.service === f.service) && hasScores(a.seriesKey))?.seriesKey;
  });
  return [...new Set(keys.filter(Boolean))].slice(0, MAX_CHARTS);
}

const secs = (s) => (s === null || s === undefined ? '–' : `${s} s`);

/**
 * One drill: its progress while it runs, then the verdict, the scores per fault, the
 * charts of each fault's first anomalous series with the fault windows shaded, false
 * alarms, canary accounting and the timeline; a link to the self-contained HTML report.
 */
export function drillDetail(host, id) {
  let charts = [];
  let timer;
  let chartedFor = '';
  const head = h('div', { class: 'incident-head' });
  const links = h('div', { class: 'actions' });
  const message = h('div', { class: 'error-banner', hidden: true, role: 'alert' });
  const verdict = h('div', { class: 'panel-body verdict' });
  const scoresBody = h('tbody');
  const chartsEl = h('div', { class: 'mini-charts' });
  const timelineEl = h('ol', { class: 'timeline' });
  host.append(
    h('div', { class: 'crumbs' }, h('a', { href: routeHref('drills', '', sharedParams()), text: '← Drills' })),
    h('section', { class: 'panel' }, h('div', { class: 'panel-head incident-title' }, head, h('span', { class: 'spacer' }), links), message, verdict),
    h('div', { class: 'incident-grid' },
      h('section', { class: 'panel wide' },
        h('div', { class: 'panel-head' }, h('h2', { text: 'Scores per fault' })),
        h('table', { class: 'grid drill-scores' },
          h('thead', {}, h('tr', {}, ['Fault', 'Detected', 'Time to detect', 'To incident', 'To page', 'Root cause rank', 'Top suspect', 'Recovery'].map((t) => h('th', { text: t })))),
          scoresBody)),
      h('section', { class: 'panel wide' },
        h('div', { class: 'panel-head' }, h('h2', { text: 'First anomalous series' }), h('span', { class: 'count', text: 'per fault, the first scored series that turned anomalous in the blast radius' }), h('span', { class: 'count' }, h('i', { class: 'swatch fault' }), 'fault window ', h('i', { class: 'swatch anomaly' }), 'anomaly')),
        h('div', { class: 'panel-body' }, chartsEl)),
      h('section', { class: 'panel wide' }, h('div', { class: 'panel-head' }, h('h2', { text: 'Timeline' })), h('div', { class: 'panel-body timeline-body' }, timelineEl))));

  function renderHead(d) {
    head.replaceChildren(drillStatusBadge(d.status), h('h2', { text: d.name }),
      h('span', { class: 'count', text: `${d.targetKind} · requested by ${d.requestedBy}${d.approvedBy ? `, approved by ${d.approvedBy}` : ''}${d.startedAt ? ` · started ${fmtDateTime(Date.parse(d.startedAt))}` : ''}` }));
    links.replaceChildren(d.report?.score ? h('a', { href: `/api/v1/drills/${encodeURIComponent(id)}/report?format=html`, target: '_blank', rel: 'noopener', text: 'HTML report' }) : '');
  }

  function renderVerdict(d) {
    const r = d.report;
    if (!r?.score) {
      verdict.replaceChildren(h('span', { class: 'muted', text: r?.error ? `The drill failed to run: ${r.error}` : d.status === 'awaiting-approval' ? 'Waiting for a second person to approve it (POST /api/v1/drills/:id/approve).' : 'Running: scores appear when it ends.' }));
      return;
    }
    const s = r.score;
    const loss = s.dataLoss;
    verdict.replaceChildren(
      h('div', { class: 'big-score' }, h('span', { class: `score ${s.passed ? 'ok-strong' : 'crit'}`, text: String(s.score) }), h('span', { class: 'muted', text: ' / 100' })),
      h('div', {},
        h('div', { text: r.spec?.hypothesis ?? '' }),
        h('div', { class: 'muted', text: `${s.falseAlarms.length} false alarms${loss ? ` · canaries: ${loss.generated} generated, ${loss.stored} stored, ${loss.droppedOnPurpose} dropped on purpose, ${loss.lost} lost` : ''}` }),
        s.failures.length ? h('ul', { class: 'failures' }, s.failures.map((f) => h('li', { text: f }))) : h('div', { class: 'ok-text', text: 'Every expectation met.' })));
  }

  function renderScores(d) {
    const faults = d.report?.score?.faults ?? [];
    scoresBody.replaceChildren(...faults.map((f) => h('tr', { dataset: { fault: f.fault } },
      h('td', { text: f.fault, title: f.fault }),
      h('td', {}, h('span', { class: `badge ${f.detected ? 'close' : 'open'}`, text: f.detected ? 'yes' : 'missed' })),
      h('td', { class: 'num', text: secs(f.timeToDetectSeconds) }),
      h('td', { class: 'num', text: secs(f.timeToIncidentSeconds) }),
      h('td', { class: 'num', text: secs(f.timeToPageSeconds) }),
      h('td', { class: 'num', text: f.rootCauseRank ?? '–' }),
      h('td', {}, f.incidentId ? h('a', { href: routeHref('incidents', f.incidentId, sharedParams()), text: f.topSuspect ?? 'incident' }) : (f.topSuspect ?? '–')),
      h('td', { class: 'num', text: secs(f.recoverySeconds) }))));
    if (!faults.length) scoresBody.append(h('tr', {}, h('td', { colspan: '8', class: 'muted', text: 'No scores yet.' })));
  }

  function renderTimeline(d) {
    const steps = d.progress ?? d.report?.progress?.map((p) => ({ time: new Date(p.wallMs).toISOString(), phase: p.phase, message: p.message })) ?? [];
    timelineEl.replaceChildren(...steps.map((p) => h('li', {}, h('span', { class: 'time', text: fmtTime(Date.parse(p.time)), title: p.time }), h('span', { class: `badge phase-${p.phase}`, text: p.phase }), h('span', { class: 'msg', text: p.message }))));
    if (!steps.length) timelineEl.append(h('li', { class: 'muted', text: 'Nothing yet.' }));
  }

  async function renderCharts(r) {
    const keys = chartedSeries(r);
    const since = r.live.startMs - CHART_LEAD_MS;
    const until = r.live.endMs + 60_000;
    const faultWindows = r.faults.map((f) => [f.startMs, f.endMs]);
    chartsEl.replaceChildren(keys.length ? '' : h('div', { class: 'muted', text: 'No scored series turned anomalous during the drill, so there is nothing to chart.' }));
    if (!keys.length) return;
    const range = { from: String(since), to: String(until) };
    const { anomalies } = await api.anomalies(range, { limit: 1000 }).catch(() => ({ anomalies: [] }));
    for (const key of keys) {
      const plot = h('div', { class: 'plot' });
      chartsEl.append(h('a', { class: 'chart-card mini', href: routeHref('live', '', { from: String(since), to: String(until), series: key }), dataset: { key } },
        h('div', { class: 'title' }, h('span', { class: 'series', text: key })), plot));
      try {
        const scores = await api.seriesScores(key, since, until);
        if (!plot.isConnected) return;
        const chart = bandChart(plot, { height: 130 });
        charts.push(chart);
        const windows = anomalies.filter((a) => a.seriesKey === key).map((a) => [Date.parse(a.start), Date.parse(a.end) + 60_000]);
        chart.setData(scoresToData(scores), windows, faultWindows);
      } catch (err) {
        plot.replaceChildren(h('div', { class: 'muted', text: `No chart: ${err.message}` }));
      }
    }
  }

  async function load() {
    let d;
    try {
      d = await api.drill(id);
      message.hidden = true;
    } catch (err) {
      message.textContent = err.status === 404 ? `No drill ${id}.` : `Could not load the drill: ${err.message}`;
      message.hidden = false;
      return;
    }
    renderHead(d);
    renderVerdict(d);
    renderScores(d);
    renderTimeline(d);
    if (d.report?.score && chartedFor !== d.status) {
      chartedFor = d.status;
      void renderCharts(d.report);
    }
    if (['pending', 'running', 'awaiting-approval'].includes(d.status)) timer = setTimeout(load, POLL_MS);
  }
  const onTheme = () => {
    for (const c of charts) c.destroy();
    charts = [];
    chartedFor = '';
    clearTimeout(timer);
    void load();
  };
  window.addEventListener('vigil:theme', onTheme);
  void load();

  return {
    id,
    destroy() {
      clearTimeout(timer);
      window.removeEventListener('vigil:theme', onTheme);
      for (const c of charts) c.destroy();
    },
  };
}
