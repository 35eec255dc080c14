import { api, isAbort } from '../api.js';
import { h, svg } from '../dom.js';
import { navigate, routeHref, sharedParams, updateParams } from '../router.js';
import { fmtDuration, fmtWhen } from '../time.js';
import { drillDetail, drillStatusBadge } from './drill-detail.js';

const REFRESH_MS = 5_000;

/** Score trend of one drill name, oldest to newest (0..100). */
function trend(scores) {
  const el = svg('svg', { class: 'spark', viewBox: '0 0 120 22', preserveAspectRatio: 'none' });
  if (scores.length === 0) return el;
  const x = (i) => (scores.length === 1 ? 60 : (i / (scores.length - 1)) * 118 + 1);
  const y = (s) => 21 - (s / 100) * 20;
  el.append(svg('path', { d: scores.map((s, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)} ${y(s).toFixed(1)}`).join(' ') }));
  const last = scores.at(-1);
  el.append(svg('circle', { cx: x(scores.length - 1), cy: y(last), r: 2, class: last >= 80 ? 'good' : 'bad' }));
  return el;
}

/**
 * Drills: the history of chaos drills (name, status, score, when) with each name's score
 * trend; `#/drills/<id>` is one drill's progress, scores and charts.
 */
export function drillsPage(root, initialRoute) {
  let route = initialRoute;
  let drills = [];
  let abort;
  let detail;
  const name = h('input', { type: 'search', name: 'name', placeholder: 'Drill name (exact)  ( / )', 'data-search': true, onchange: () => updateParams({ name: name.value.trim() }) });
  const count = h('span', { class: 'count' });
  const errorEl = h('div', { class: 'error-banner', hidden: true });
  const tbody = h('tbody');
  const empty = h('div', { class: 'panel empty', hidden: true },
    h('h2', { text: 'No drills yet' }),
    h('p', {}, 'A drill breaks something on purpose through the synthetic workload and scores what Vigil caught: time to detect, to page, and whether the root cause ranked first. Run a ready-made one:'),
    h('pre', { text: `vigil drill library\nvigil drill run --library error-burst-inventory\n# or: curl -s ${location.origin}/api/v1/drills -H 'content-type: application/json' -d '{"library":"error-burst-inventory"}'` }));
  const list = h('div', {},
    h('div', { class: 'toolbar' }, name, count, h('span', { class: 'note', text: 'Trend: the score of every run of that drill, oldest to newest.' })),
    errorEl,
    h('div', { class: 'panel scroll' },
      h('table', { class: 'grid drill-list' },
        h('colgroup', {}, h('col'), h('col', { width: '130' }), h('col', { width: '70' }), h('col', { width: '140' }), h('col', { width: '120' }), h('col', { width: '96' }), h('col', { width: '120' })),
        h('thead', {}, h('tr', {}, ['Drill', 'Status', 'Score', 'Trend', 'Started', 'Duration', 'Requested by'].map((t) => h('th', { class: t === 'Score' ? 'num' : undefined, text: t })))),
        tbody)),
    empty);
  const detailHost = h('div', { hidden: true });
  root.append(list, detailHost);

  async function load() {
    abort?.abort();
    abort = new AbortController();
    try {
      ({ drills } = await api.drills({ name: route.params.get('name') ?? '', limit: 500 }, { signal: abort.signal }));
      errorEl.hidden = true;
      render();
    } catch (err) {
      if (isAbort(err)) return;
      errorEl.textContent = `Could not load drills: ${err.message}`;
      errorEl.hidden = false;
    }
  }

  function render() {
    const scoresByName = new Map();
    for (const d of [...drills].reverse()) if (d.score !== null) (scoresByName.get(d.name) ?? scoresByName.set(d.name, []).get(d.name)).push(d.score);
    tbody.replaceChildren(...drills.map((d) => {
      const open = () => navigate('drills', d.id, sharedParams(route));
      const started = d.startedAt ? Date.parse(d.startedAt) : 0;
      const ended = d.endedAt ? Date.parse(d.endedAt) : Date.now();
      return h('tr', { tabindex: '0', dataset: { id: d.id, name: d.name }, onclick: open, onkeydown: (e) => e.key === 'Enter' && open() },
        h('td', {}, h('a', { href: routeHref('drills', d.id, sharedParams(route)), text: d.name })),
        h('td', {}, drillStatusBadge(d.status)),
        h('td', { class: 'num', text: d.score === null ? '–' : String(d.score) }),
        h('td', {}, trend(scoresByName.get(d.name) ?? [])),
        h('td', { text: started ? fmtWhen(started) : '–', title: d.startedAt ?? '' }),
        h('td', { class: 'num', text: started ? fmtDuration(ended - started) : '–' }),
        h('td', { text: d.requestedBy }));
    }));
    count.textContent = `${drills.length} drills`;
    empty.hidden = drills.length > 0 || Boolean(route.params.get('name'));
  }

  function show() {
    const id = route.tab;
    list.hidden = Boolean(id);
    detailHost.hidden = !id;
    if (!id) {
      detail?.destroy();
      detail = undefined;
      detailHost.replaceChildren();
      if (name !== document.activeElement) name.value = route.params.get('name') ?? '';
      return;
    }
    if (detail?.id !== id) {
      detail?.destroy();
      detailHost.replaceChildren();
      detail = drillDetail(detailHost, id);
    }
  }

  // While a drill runs, the list follows its status.
  const timer = setInterval(() => {
    if (!route.tab && !document.hidden && drills.some((d) => d.status === 'running' || d.status === 'pending')) void load();
  }, REFRESH_MS);
  show();
  void load();
  return {
    update(next) {
      const prev = route;
      route = next;
      show();
      if (prev.params.get('name') !== next.params.get('name') || (prev.tab && !next.tab)) void load();
    },
    unmount() {
      abort?.abort();
      clearInterval(timer);
      detail?.destroy();
    },
  };
}
