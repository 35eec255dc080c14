import { getJson, isAbort } from '../api.js';
import { bandChart } from '../charts.js';
import { h } from '../dom.js';
import { updateParams } from '../router.js';
import { errorLine, fmt, panel } from './xops-common.js';

/** Capacity: per metric, history and forecast with its prediction interval, the limit and when it is reached. */
export function capacityPage(root, route) {
  const select = h('select', { 'data-testid': 'capacity-service', onchange: () => updateParams({ service: select.value }) });
  const horizon = h('select', { onchange: () => updateParams({ horizon: horizon.value }) }, ['2d', '7d', '14d', '30d'].map((x) => h('option', { value: x, text: x })));
  const body = h('div', { class: 'charts' });
  root.append(panel('Capacity', h('div', { class: 'toolbar' }, 'Service ', select, ' Horizon ', horizon), body));
  let charts = [];
  let controller;
  async function load(r) {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    try {
      const { services } = await getJson('/api/v1/capacity/services', {}, { signal });
      const service = r.params.get('service') || services[0];
      select.replaceChildren(...services.map((s) => h('option', { value: s, text: s, selected: s === service })));
      horizon.value = r.params.get('horizon') || '7d';
      for (const c of charts) c.destroy();
      charts = [];
      if (!service) return body.replaceChildren(h('p', { class: 'muted', text: 'No service reports gauge or sum metrics yet.' }));
      const d = await getJson('/api/v1/capacity', { service, horizon: horizon.value }, { signal });
      body.replaceChildren();
      for (const m of d.metrics) {
        const el = h('div', { class: 'chart-card', 'data-testid': 'capacity-chart', dataset: { metric: m.metric } });
        const ex = m.exhaustion;
        const caption = m.skipped ? m.skipped
          : `${m.forecast.model} · limit ${m.limit ? `${fmt(m.limit.value)} (${m.limit.source})` : 'none'} · ${ex ? (ex.exceeded ? 'limit exceeded' : ex.at ? `reaches it ${ex.at.slice(0, 16).replace('T', ' ')} (earliest ${ex.earliest?.slice(0, 16).replace('T', ' ') ?? '–'})` : 'not reached in the horizon') : ''}`;
        body.append(h('div', {}, h('div', { class: 'title' }, h('span', { class: 'series', text: m.metric })), h('div', { class: 'muted', 'data-testid': 'capacity-exhaustion', text: caption }), el));
        if (!m.forecast) continue;
        const chart = bandChart(el, { height: 170 });
        const n = m.history.times.length;
        const times = [...m.history.times, ...m.forecast.times].map((t) => t / 1000);
        const pad = (xs, before, after) => [...Array(before).fill(null), ...xs, ...Array(after).fill(null)];
        const k = m.forecast.times.length;
        chart.setData([times, pad(m.history.values, 0, k), pad(m.forecast.values, n, 0), pad(m.forecast.lower, n, 0), pad(m.forecast.upper, n, 0)],
          ex && ex.earliest ? [[Date.parse(ex.earliest), Date.parse(ex.latest ?? m.forecast.times[k - 1])]] : []);
        charts.push(chart);
      }
    } catch (err) {
      if (!isAbort(err)) body.replaceChildren(errorLine(err));
    }
  }
  load(route);
  return { update: load, unmount() { controller?.abort(); for (const c of charts) c.destroy(); } };
}
