import { api } from '../api.js';
import { h } from '../dom.js';
import { routeHref, sharedParams, updateParams } from '../router.js';
import { fmtDuration } from '../time.js';
import { traceCompare } from './trace-compare.js';

/**
 * A trace's waterfall by trace id: spans as a tree in start order, bars on one time axis;
 * without a trace, the slow/failed span comparison of a service.
 */
export function tracesTab(root, initialRoute) {
  let route = initialRoute;
  let shown = '';
  const input = h('input', { type: 'search', name: 'trace', placeholder: 'Trace id (32 hex characters)  ( / )', 'data-search': true, size: '40', class: 'mono' });
  const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); updateParams({ trace: input.value.trim().toLowerCase() }); } },
    input, h('button', { type: 'submit', class: 'primary', text: 'Open trace' }));
  const body = h('div');
  const compareHost = h('section', { class: 'compare-host' }, h('h3', { class: 'section-title', text: 'Slow and failed spans, compared' }));
  root.append(form, body, compareHost);
  const compare = traceCompare(compareHost);

  async function load(traceId) {
    shown = traceId;
    if (!traceId) {
      body.replaceChildren(h('div', { class: 'panel empty-inline' }, 'Paste a trace id above. Log lines that carry a trace id link here (Explore → Logs, open a line). Below, compare a service\'s slow or failed spans with the time before, to see which operation, attribute or version they share.'));
      return;
    }
    body.replaceChildren(h('div', { class: 'muted', text: 'Loading…' }));
    try {
      const { spans } = await api.trace(traceId);
      if (shown === traceId) body.replaceChildren(waterfall(traceId, spans, route));
    } catch (err) {
      if (shown === traceId) body.replaceChildren(h('div', { class: 'panel error-banner', text: err.status === 404 ? `No spans stored for trace ${traceId} (yet).` : `Could not load the trace: ${err.message}` }));
    }
  }

  function apply() {
    const traceId = route.params.get('trace') ?? '';
    if (input !== document.activeElement) input.value = traceId;
    if (traceId !== shown || !traceId) void load(traceId);
    compareHost.hidden = Boolean(traceId);
    void compare.show(route);
  }
  apply();
  return {
    update(next) {
      route = next;
      apply();
    },
    unmount: () => compare.destroy(),
  };
}

function waterfall(traceId, spans, route) {
  const nanos = (s) => BigInt(s.startUnixNano);
  const t0 = spans.reduce((m, s) => (nanos(s) < m ? nanos(s) : m), nanos(spans[0]));
  const startMs = (s) => Number(nanos(s) - t0) / 1e6;
  const durMs = (s) => Number(BigInt(s.durationNs)) / 1e6;
  const totalMs = Math.max(0.001, ...spans.map((s) => startMs(s) + durMs(s)));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const children = new Map();
  const roots = [];
  for (const s of spans) {
    if (s.parentSpanId && byId.has(s.parentSpanId)) {
      if (!children.has(s.parentSpanId)) children.set(s.parentSpanId, []);
      children.get(s.parentSpanId).push(s);
    } else roots.push(s);
  }
  const services = [...new Set(spans.map((s) => s.service))];
  const ordered = [];
  const visit = (s, depth) => {
    ordered.push([s, depth]);
    for (const c of (children.get(s.spanId) ?? []).sort((a, b) => startMs(a) - startMs(b))) visit(c, depth + 1);
  };
  for (const r of roots.sort((a, b) => startMs(a) - startMs(b))) visit(r, 0);

  const details = h('div', { class: 'panel-body' }, h('span', { class: 'muted', text: 'Click a span for its attributes and events.' }));
  const ticks = h('div', { class: 'ticks' });
  for (let i = 0; i <= 4; i++) {
    const tick = h('span', { text: fmtDuration((totalMs * i) / 4) });
    tick.style.left = `${i * 25}%`;
    ticks.append(tick);
  }
  const rows = ordered.map(([s, depth]) => {
    const bar = h('div', { class: `bar svc-${services.indexOf(s.service) % 6}${s.statusCode === 'Error' ? ' error' : ''}`, title: `${s.service} ${s.name}: ${fmtDuration(durMs(s))}` });
    bar.style.left = `${(startMs(s) / totalMs) * 100}%`;
    bar.style.width = `${(durMs(s) / totalMs) * 100}%`;
    const label = h('div', { class: 'label' }, h('span', { class: 'svc', text: s.service }), s.name);
    label.style.paddingLeft = `${depth * 14 + 6}px`;
    const row = h('div', { class: `wf-row${s.statusCode === 'Error' ? ' error' : ''}`, tabindex: '0', dataset: { spanId: s.spanId } }, label, h('div', { class: 'track' }, bar), h('div', { class: 'dur', text: fmtDuration(durMs(s)) }));
    const select = () => {
      for (const r of row.parentElement.querySelectorAll('.wf-row.selected')) r.classList.remove('selected');
      row.classList.add('selected');
      details.replaceChildren(spanDetails(s, route));
    };
    row.addEventListener('click', select);
    row.addEventListener('keydown', (e) => e.key === 'Enter' && select());
    return row;
  });
  const errors = spans.filter((s) => s.statusCode === 'Error').length;
  return h('div', {},
    h('section', { class: 'panel waterfall' },
      h('div', { class: 'panel-head' }, h('h2', { class: 'mono', text: traceId }), h('span', { class: 'count', text: `${spans.length} spans · ${services.length} services · ${fmtDuration(totalMs)}${errors ? ` · ${errors} errors` : ''}` })),
      h('div', { class: 'wf-axis' }, h('div', { class: 'label muted', text: 'Service / span' }), ticks, h('div')),
      rows),
    h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', { text: 'Span' })), details));
}

function spanDetails(s, route) {
  const dl = h('dl', { class: 'kv' });
  const add = (k, v) => dl.append(h('dt', { text: k }), h('dd', {}, v));
  add('name', s.name);
  add('service', s.service);
  add('span id', s.spanId);
  add('kind', s.kind);
  add('status', `${s.statusCode}${s.statusMessage ? `: ${s.statusMessage}` : ''}`);
  add('start', s.start);
  add('duration', fmtDuration(Number(BigInt(s.durationNs)) / 1e6));
  add('logs', h('a', { href: routeHref('explore', 'logs', { ...sharedParams(route), service: s.service }), text: `logs of ${s.service}` }));
  for (const [k, v] of Object.entries(s.attributes ?? {})) add(k, v);
  for (const e of s.events ?? []) add(`event ${e.name}`, e.attributes);
  return dl;
}
