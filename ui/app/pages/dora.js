import { getJson, isAbort } from '../api.js';
import { linesChart } from '../charts.js';
import { h } from '../dom.js';
import { errorLine, fmt, panel, table } from './xops-common.js';

const keys = (m) => [
  `${fmt(m.deploymentFrequency.perWeek)}/wk (${m.deploymentFrequency.band ?? '–'})`,
  `${fmt(m.leadTime.medianHours)} h (${m.leadTime.band ?? '–'})`,
  `${m.changeFailureRate.rate === null ? '–' : fmt(m.changeFailureRate.rate * 100, 1) + ' %'} (${m.changeFailureRate.band ?? '–'})`,
  `${fmt(m.recoveryTime.medianHours)} h (${m.recoveryTime.band ?? '–'})`,
  m.band ?? '–',
];
const HEAD = ['deployment frequency', 'lead time', 'change failure rate', 'recovery time', 'overall'];

/** DORA: the four keys per service and team with their bands, and weekly over time. */
export function doraPage(root, route) {
  const body = h('div', {});
  root.append(panel('DORA', body));
  let controller;
  let chart;
  async function load(r) {
    controller?.abort();
    controller = new AbortController();
    try {
      const d = await getJson('/api/v1/dora', { since: r.params.get('from') ?? 'now-30d', until: r.params.get('to') ?? 'now' }, { signal: controller.signal });
      chart?.destroy();
      const chartEl = h('div', { class: 'chart-card', 'data-testid': 'dora-weekly' });
      body.replaceChildren(
        table(['', ...HEAD], [['all', ...keys(d.overall)]], { testid: 'dora-overall' }),
        h('h3', { text: 'Services' }),
        table(['service', 'team', ...HEAD], d.services.map((s) => [s.service, s.team, ...keys(s)]), { testid: 'dora-services' }),
        h('h3', { text: 'Teams' }),
        table(['team', ...HEAD], d.teams.map((t) => [t.team, ...keys(t)]), { testid: 'dora-teams' }),
        h('h3', { text: 'Weekly' }), chartEl);
      const sec = (w) => Date.parse(w.weekStart) / 1000;
      chart = linesChart(chartEl, [
        { label: 'deployments', points: d.weekly.map((w) => [sec(w), w.deployments]) },
        { label: 'failed', points: d.weekly.map((w) => [sec(w), w.failedDeployments ?? null]) },
      ], { height: 180 });
    } catch (err) {
      if (!isAbort(err)) body.replaceChildren(errorLine(err));
    }
  }
  load(route);
  return { update: load, unmount() { controller?.abort(); chart?.destroy(); } };
}
