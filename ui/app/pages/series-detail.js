import { api } from '../api.js';
import { chartWindow, scoreBadge, seriesLabel, valueSummary } from '../anomaly-format.js';
import { bandChart, scoreChart, scoresToData } from '../charts.js';
import { h } from '../dom.js';
import { updateParams } from '../router.js';
import { fmtDateTime, fmtDuration, fmtNumber, toMs } from '../time.js';

const REFRESH_MS = 5_000;

/**
 * One series' history: value with its expected band and anomaly markers over the score,
 * both zoomable by dragging (kept in step); a zoom can become the page's time range.
 */
export function seriesDetail(host, key, anomaliesOf) {
  let route;
  let charts;
  let lastFetchMs = 0;
  let dirty = false;
  let scores;
  const title = h('h2', { class: 'mono' });
  const status = h('span', { class: 'count' });
  const zoomText = h('span', { class: 'muted', text: 'Drag across the chart to zoom; double-click to reset.' });
  const applyZoom = h('button', { type: 'button', hidden: true, text: 'Use as time range' });
  const resetZoom = h('button', { type: 'button', hidden: true, text: 'Reset zoom' });
  const big = h('div', { class: 'plot-big' });
  const small = h('div', { class: 'plot-score' });
  const table = h('tbody');
  const panel = h('section', { class: 'panel' },
    h('div', { class: 'panel-head' },
      h('a', { href: '#', text: '← Live', onclick: (e) => { e.preventDefault(); updateParams({ series: undefined }); } }),
      title, h('span', { class: 'spacer' }), status),
    h('div', { class: 'panel-body' },
      h('div', { class: 'zoom-bar' }, zoomText, applyZoom, resetZoom),
      big,
      h('div', { class: 'muted', text: 'Anomaly score (dashed line: default threshold 0.5)' }),
      small));
  const list = h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', { text: 'Anomalies of this series in range' })),
    h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, h('th', { text: 'Start' }), h('th', { text: 'Duration' }), h('th', { text: 'Status' }), h('th', { text: 'Peak' }), h('th', { text: 'At peak' }))),
      table));
  host.replaceChildren(panel, list);
  let zoom;

  resetZoom.addEventListener('click', () => reset());
  applyZoom.addEventListener('click', () => {
    if (zoom) updateParams({ from: new Date(zoom[0] * 1000).toISOString(), to: new Date(zoom[1] * 1000).toISOString(), series: key });
  });
  big.addEventListener('dblclick', () => reset());
  small.addEventListener('dblclick', () => reset());

  function onZoom(min, max, from) {
    zoom = [min, max];
    const other = from === 'big' ? charts?.score.uplot : charts?.band.uplot;
    if (other && (other.scales.x.min !== min || other.scales.x.max !== max)) other.setScale('x', { min, max });
    zoomText.textContent = `Zoomed to ${fmtDateTime(min * 1000)} – ${fmtDateTime(max * 1000)}`;
    applyZoom.hidden = false;
    resetZoom.hidden = false;
  }

  function reset() {
    zoom = undefined;
    zoomText.textContent = 'Drag across the chart to zoom; double-click to reset.';
    applyZoom.hidden = true;
    resetZoom.hidden = true;
    draw();
  }

  function build() {
    const band = bandChart(big, { height: 340, legend: true, syncKey: `detail-${key}` });
    const score = scoreChart(small, { height: 110, syncKey: `detail-${key}` });
    // A user drag (setSelect with a width) zooms; zooms set programmatically do not echo back.
    band.uplot.hooks.setSelect = [(u) => u.select.width > 0 && onZoom(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'), 'big')];
    score.uplot.hooks.setSelect = [(u) => u.select.width > 0 && onZoom(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'), 'small')];
    charts = { band, score };
  }

  function draw() {
    if (!scores) return;
    if (!charts) build();
    const windows = anomaliesOf().map((a) => [Date.parse(a.start), Date.parse(a.end) + 60_000]);
    const data = scoresToData(scores);
    charts.band.setData(data, windows);
    charts.score.setData([data[0], scores.scores]);
    if (zoom) onZoom(zoom[0], zoom[1], 'none');
  }

  function renderList() {
    const rows = anomaliesOf().sort((a, b) => Date.parse(b.start) - Date.parse(a.start));
    title.textContent = rows[0] ? `${rows[0].service} · ${seriesLabel(rows[0])}` : decodeURIComponent(key);
    title.title = key;
    table.replaceChildren(...rows.map((a) =>
      h('tr', {},
        h('td', { text: fmtDateTime(Date.parse(a.start)) }),
        h('td', { text: fmtDuration(Date.parse(a.end) - Date.parse(a.start) + 60_000) }),
        h('td', {}, h('span', { class: `badge ${a.type === 'close' ? 'closed' : a.status}`, text: a.type === 'close' ? 'closed' : a.status })),
        h('td', {}, scoreBadge(a.peakScore)),
        h('td', { text: valueSummary(a), title: `${a.detector}: ${valueSummary(a)}` }))));
    if (rows.length === 0) table.append(h('tr', {}, h('td', { colspan: '5', class: 'muted', text: 'None in this range.' })));
  }

  async function fetch() {
    dirty = false;
    lastFetchMs = Date.now();
    const latest = anomaliesOf().sort((a, b) => Date.parse(b.start) - Date.parse(a.start))[0];
    const win = latest ? chartWindow(latest, route.range, toMs) : { since: route.range.from, until: route.range.to };
    status.textContent = 'loading…';
    try {
      scores = await api.seriesScores(key, win.since, win.until);
      status.textContent = `${fmtNumber(scores.times.length)} scored minutes`;
      draw();
    } catch (err) {
      status.textContent = `could not load: ${err.message}`;
    }
  }

  const timer = setInterval(() => {
    if (dirty && Date.now() - lastFetchMs >= REFRESH_MS) void fetch();
  }, 1000);

  return {
    key,
    show(next) {
      const rangeChanged = !route || route.range.from !== next.range.from || route.range.to !== next.range.to;
      route = next;
      renderList();
      if (rangeChanged) {
        zoom = undefined;
        void fetch();
      }
    },
    markDirty() {
      dirty = true;
      renderList();
    },
    rebuild() {
      charts?.band.destroy();
      charts?.score.destroy();
      charts = undefined;
      draw();
    },
    destroy() {
      clearInterval(timer);
      charts?.band.destroy();
      charts?.score.destroy();
      host.replaceChildren();
    },
  };
}
