import { api, isAbort } from '../api.js';
import { linesChart } from '../charts.js';
import { h } from '../dom.js';
import { updateParams } from '../router.js';

const MAX_LINES = 20;

/** A metric's series (one per attribute set) over the range. */
export function metricsTab(root, initialRoute) {
  let route = initialRoute;
  let abort;
  let chart;
  let series = [];
  const p = (name) => route.params.get(name) ?? '';
  const name = h('input', { type: 'search', name: 'metric', placeholder: 'Metric name, e.g. http.server.duration  ( / )', 'data-search': true, size: '40', list: 'metric-names' });
  const service = h('input', { name: 'service', placeholder: 'Service (optional)' });
  const names = h('datalist', { id: 'metric-names' });
  const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); updateParams({ metric: name.value.trim(), service: service.value.trim() }); } },
    name, service, names, h('button', { type: 'submit', class: 'primary', text: 'Show' }));
  const head = h('span', { class: 'count' });
  const plot = h('div');
  const body = h('div', { class: 'panel-body' }, plot);
  root.append(form, h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', { text: 'Series' }), head), body));

  // Suggest the metrics the detectors have flagged (there is no metric-name listing API yet).
  void api.anomalies(route.range, { signal: 'metric', limit: 200 }).then(({ anomalies }) => {
    for (const n of new Set(anomalies.map((a) => a.name))) names.append(h('option', { value: n }));
  }).catch(() => {});

  function draw() {
    chart?.destroy();
    chart = undefined;
    if (series.length === 0) return;
    chart = linesChart(plot, series.slice(0, MAX_LINES).map((s) => ({
      label: `${s.service} ${Object.entries(s.attributes).map(([k, v]) => `${k}=${v}`).join(',')}`.trim(),
      points: s.points,
    })), { height: 360 });
  }

  async function load() {
    abort?.abort();
    chart?.destroy();
    chart = undefined;
    series = [];
    if (!p('metric')) {
      head.textContent = '';
      plot.replaceChildren(h('div', { class: 'empty-inline', text: 'Type a metric name to chart it (one line per attribute set). Metrics the detectors flagged are suggested.' }));
      return;
    }
    abort = new AbortController();
    try {
      const found = await api.metricSeries(route.range, { name: p('metric'), service: p('service') }, { signal: abort.signal });
      series = found.series;
      head.textContent = `${p('metric')}: ${series.length} series${series.length > MAX_LINES ? ` (first ${MAX_LINES} drawn)` : ''}`;
      plot.replaceChildren();
      if (series.length === 0) plot.append(h('div', { class: 'empty-inline', text: `No points of ${p('metric')} in this range.` }));
      draw();
    } catch (err) {
      if (isAbort(err)) return;
      plot.replaceChildren(h('div', { class: 'error-banner', text: `Could not load: ${err.message}` }));
    }
  }

  const onTheme = () => draw();
  window.addEventListener('vigil:theme', onTheme);
  function apply() {
    if (name !== document.activeElement) name.value = p('metric');
    service.value = p('service');
    void load();
  }
  apply();
  return {
    update(next) {
      route = next;
      apply();
    },
    unmount() {
      abort?.abort();
      chart?.destroy();
      window.removeEventListener('vigil:theme', onTheme);
    },
  };
}
