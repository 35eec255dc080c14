import { getJson, isAbort } from '../api.js';
import { bandChart } from '../charts.js';
import { h } from '../dom.js';
import { updateParams } from '../router.js';
import { errorLine, fmt, panel, table } from './xops-common.js';

const DAY_MS = 86_400_000;

/** Cost: per service or team and day, with the days the detector marks as cost anomalies. */
export function costPage(root, route) {
  const groupBy = h('select', { 'data-testid': 'cost-group', onchange: () => updateParams({ groupBy: groupBy.value }) }, ['service', 'team', 'provider', 'cloudService'].map((x) => h('option', { value: x, text: x })));
  const body = h('div', {});
  root.append(panel('Cost', h('div', { class: 'toolbar' }, 'Group by ', groupBy), body));
  let charts = [];
  let controller;
  async function load(r) {
    controller?.abort();
    controller = new AbortController();
    groupBy.value = r.params.get('groupBy') || 'service';
    try {
      const d = await getJson('/api/v1/cost', { groupBy: groupBy.value, since: r.params.get('from') ?? 'now-30d', until: r.params.get('to') ?? 'now' }, { signal: controller.signal });
      for (const c of charts) c.destroy();
      charts = [];
      const grid = h('div', { class: 'charts' });
      body.replaceChildren(
        h('p', { 'data-testid': 'cost-totals', text: d.totals.map((t) => `${fmt(t.total)} ${t.currency}`).join(' · ') || 'No cost records in this range.' }),
        grid,
        h('h3', { text: 'Cost anomalies' }),
        table([groupBy.value, 'day', 'cost', 'expected', 'band', 'score'], d.anomalies.map((a) => [a.key, a.day, `${fmt(a.cost)} ${a.currency}`, fmt(a.expected), `${fmt(a.lower)} – ${fmt(a.upper)}`, fmt(a.score, 3)]), { testid: 'cost-anomalies' }));
      for (const g of d.groups) {
        const el = h('div', { class: 'chart-card', 'data-testid': 'cost-chart', dataset: { key: g.key } });
        grid.append(h('div', {}, h('div', { class: 'title' }, h('span', { class: 'series', text: `${g.key || '(untagged)'} · ${fmt(g.total)} ${g.currency}` })), el));
        const chart = bandChart(el, { height: 170 });
        const marks = d.anomalies.filter((a) => a.key === g.key && a.currency === g.currency).map((a) => [Date.parse(a.day), Date.parse(a.day) + DAY_MS - 1]);
        chart.setData([g.days.map((x) => Date.parse(x.day) / 1000), g.days.map((x) => x.cost), g.days.map(() => null), g.days.map(() => null), g.days.map(() => null)], marks);
        charts.push(chart);
      }
    } catch (err) {
      if (!isAbort(err)) body.replaceChildren(errorLine(err));
    }
  }
  load(route);
  return { update: load, unmount() { controller?.abort(); for (const c of charts) c.destroy(); } };
}
