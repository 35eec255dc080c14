import { api, isAbort } from '../api.js';
import { h, svg } from '../dom.js';
import { sendDataHelp } from '../empty-state.js';
import { navigate, sharedParams, updateParams } from '../router.js';
import { fmtNumber, fmtWhen, toMs } from '../time.js';

const SEVERITY_NAMES = [[21, 'FATAL'], [17, 'ERROR'], [13, 'WARN'], [9, 'INFO'], [5, 'DEBUG'], [1, 'TRACE']];

/** Top log templates in the range with their sparklines; templates first seen in the range are marked new. */
export function patternsTab(root, initialRoute) {
  let route = initialRoute;
  let abort;
  let stepSeconds = 60;
  const p = (name) => route.params.get(name) ?? '';
  const service = h('input', { name: 'service', placeholder: 'Service (exact)', 'data-search': true, onchange: () => updateParams({ service: service.value.trim() }) });
  const severity = h('select', { name: 'severity', onchange: () => updateParams({ severity: severity.value }) },
    ['', 'INFO', 'WARN', 'ERROR', 'FATAL'].map((s) => h('option', { value: s, text: s || 'Any severity' })));
  const count = h('span', { class: 'count' });
  const tbody = h('tbody');
  const errorEl = h('div', { class: 'error-banner', hidden: true });
  const empty = h('div', { hidden: true });
  root.append(
    h('div', { class: 'toolbar' }, service, severity, count, h('span', { class: 'note', text: 'Click a pattern for its log lines. NEW: first seen inside the range.' })),
    errorEl,
    h('div', { class: 'panel scroll' },
      h('table', { class: 'grid' },
        h('colgroup', {}, h('col', { width: '136' }), h('col', { width: '80' }), h('col', { width: '60' }), h('col'), h('col', { width: '160' }), h('col', { width: '110' })),
        h('thead', {}, h('tr', {}, h('th', { text: 'Rate' }), h('th', { class: 'num', text: 'Count' }), h('th', { text: 'Level' }), h('th', { text: 'Template' }), h('th', { text: 'Services' }), h('th', { text: 'First seen' }))),
        tbody),
      empty));

  async function load() {
    abort?.abort();
    abort = new AbortController();
    try {
      const { patterns, stepSeconds: step } = await api.patterns(route.range, { service: p('service'), severity: p('severity'), limit: 200 }, { signal: abort.signal });
      errorEl.hidden = true;
      stepSeconds = step;
      tbody.replaceChildren(...patterns.map(row));
      const fresh = patterns.filter((x) => x.isNew).length;
      count.textContent = `${patterns.length} patterns${fresh ? ` · ${fresh} new` : ''}`;
      empty.hidden = patterns.length > 0;
      empty.replaceChildren(p('service') || p('severity') ? h('div', { class: 'empty-inline', text: 'No pattern matches these filters in this range.' }) : sendDataHelp('No log patterns in this range'));
    } catch (err) {
      if (isAbort(err)) return;
      errorEl.textContent = `Could not load patterns: ${err.message}`;
      errorEl.hidden = false;
    }
  }

  function row(pattern) {
    const level = SEVERITY_NAMES.find(([n]) => pattern.maxSeverityNumber >= n)?.[1] ?? '';
    const tr = h('tr', { class: pattern.isNew ? 'is-new' : '', tabindex: '0', title: `${pattern.id}: show its log lines` },
      h('td', {}, sparkline(zeroFilled(pattern.sparkline, stepSeconds, route.range))),
      h('td', { class: 'num', text: fmtNumber(pattern.count) }),
      h('td', {}, h('span', { class: `sev ${level.toLowerCase()}`, text: level })),
      h('td', { class: 'template' }, pattern.isNew ? h('span', { class: 'badge new', text: 'new' }) : null, ' ', templateText(pattern.template ?? pattern.id)),
      h('td', { text: (pattern.services ?? []).join(', '), title: (pattern.services ?? []).join(', ') }),
      h('td', { text: pattern.firstSeen ? fmtWhen(Date.parse(pattern.firstSeen)) : '–', title: pattern.firstSeen }));
    const open = () => navigate('explore', 'logs', { ...sharedParams(route), template: pattern.id });
    tr.addEventListener('click', open);
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && open());
    return tr;
  }

  function apply() {
    if (service !== document.activeElement) service.value = p('service');
    severity.value = p('severity');
    void load();
  }
  apply();
  return {
    update(next) {
      route = next;
      apply();
    },
    unmount: () => abort?.abort(),
  };
}

/** The template with its variables (`<*>`) set apart. */
function templateText(template) {
  return template.split(/(<\*>)/).map((part) => (part === '<*>' ? h('span', { class: 'var', text: '<*>' }) : part));
}

function sparkline(points) {
  const el = svg('svg', { class: 'spark', viewBox: '0 0 120 22', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
  if (!points?.length) return el;
  const max = Math.max(1, ...points.map((x) => x[1]));
  const [t0, t1] = [points[0][0], points[points.length - 1][0]];
  const x = (t) => (t1 === t0 ? 60 : ((t - t0) / (t1 - t0)) * 118 + 1);
  const y = (n) => 21 - (n / max) * 19;
  const line = points.map(([t, n], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(n).toFixed(1)}`).join('');
  el.append(svg('path', { class: 'area', d: `${line}L${x(t1).toFixed(1)},21L${x(t0).toFixed(1)},21Z` }), svg('path', { d: line }));
  return el;
}

/** The API lists only busy buckets; the sparkline spans the whole range, quiet buckets at zero. */
function zeroFilled(points, stepSec, range) {
  const from = Math.floor(toMs(range.from) / 1000 / stepSec) * stepSec;
  const to = Math.floor(toMs(range.to) / 1000 / stepSec) * stepSec;
  if (!Number.isFinite(from) || !Number.isFinite(to) || (to - from) / stepSec > 1000) return points;
  const counts = new Map(points.map(([t, n]) => [t, n]));
  const out = [];
  for (let t = from; t <= to; t += stepSec) out.push([t, counts.get(t) ?? 0]);
  return out;
}
