import { api, isAbort } from '../api.js';
import { h, svg } from '../dom.js';
import { sendDataHelp } from '../empty-state.js';
import { GAP_X, layoutMap, NODE_H, NODE_W } from '../map-layout.js';
import { routeHref, sharedParams, updateParams } from '../router.js';
import { fmtDuration, fmtNumber } from '../time.js';

/** An edge or node with at least this error ratio is drawn as failing. */
const ERROR_RATIO_WARN = 0.05;
const REFRESH_MS = 15_000;

const pct = (ratio) => `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.01 ? 2 : 1)}%`;
export const edgeLabel = (e) => `${fmtNumber(e.callsPerMinute)}/min · ${pct(e.errorRatio)} err · p95 ${fmtDuration(e.p95Ms)}`;

/** Small kind icons (16×16 paths): database, cache, queue, external; a service has none. */
const ICONS = {
  database: 'M2 4c0-1.7 12-1.7 12 0v8c0 1.7-12 1.7-12 0zM2 4c0 1.7 12 1.7 12 0M2 8c0 1.7 12 1.7 12 0',
  cache: 'M9 1L3 9h4l-1 6 6-8H8z',
  queue: 'M1 4h14M1 8h14M1 12h14',
  external: 'M8 1a7 7 0 1 0 0 14A7 7 0 1 0 8 1zM1 8h14M8 1c-3 3-3 11 0 14M8 1c3 3 3 11 0 14',
};

function nodeState(n) {
  if (n.anomalous) return 'crit';
  return n.errorRatio >= ERROR_RATIO_WARN ? 'warn' : 'ok';
}

/**
 * Service map: services and their peers as a layered graph (callers left), nodes coloured
 * by anomaly and error state, edges labelled with rate, errors and p95. Clicking a node
 * selects it (`service=` in the URL): its calls stand out and its details open beside.
 */
export function serviceMapPage(root, initialRoute) {
  let route = initialRoute;
  let data = { nodes: [], edges: [] };
  let abort;
  const count = h('span', { class: 'count' });
  const errorEl = h('div', { class: 'error-banner', hidden: true });
  const canvas = h('div', { class: 'map-canvas' });
  const side = h('aside', { class: 'panel map-side' });
  const edgesBody = h('tbody');
  const empty = h('div', { hidden: true });
  root.append(h('div', { class: 'map-page' },
    h('section', { class: 'panel map-panel' },
      h('div', { class: 'panel-head' }, h('h2', { text: 'Service map' }), count, h('span', { class: 'spacer' }),
        h('span', { class: 'legend' }, h('i', { class: 'dot ok' }), 'healthy', h('i', { class: 'dot warn' }), `≥ ${ERROR_RATIO_WARN * 100}% errors`, h('i', { class: 'dot crit' }), 'anomalous now')),
      errorEl, empty, canvas),
    side,
    h('section', { class: 'panel map-edges' },
      h('div', { class: 'panel-head' }, h('h2', { text: 'Calls' })),
      h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, ['Caller', 'Callee', 'Kind', 'Calls/min', 'Errors', 'p50', 'p95'].map((t, i) => h('th', { class: i >= 3 ? 'num' : undefined, text: t })))),
        edgesBody))));

  const selected = () => route.params.get('service') ?? '';
  const select = (name) => updateParams({ service: selected() === name ? undefined : name });

  async function load() {
    abort?.abort();
    abort = new AbortController();
    try {
      data = await api.serviceMap(route.range, { signal: abort.signal });
      errorEl.hidden = true;
      render();
    } catch (err) {
      if (isAbort(err)) return;
      errorEl.textContent = `Could not load the service map: ${err.message}`;
      errorEl.hidden = false;
    }
  }

  function render() {
    const { nodes, edges } = data;
    const services = nodes.filter((n) => n.kind === 'service').length;
    count.textContent = `${services} services · ${nodes.length - services} peers · ${edges.length} calls`;
    empty.hidden = nodes.length > 0;
    if (!nodes.length && !empty.childElementCount) empty.append(sendDataHelp('No traced calls in this range'));
    canvas.replaceChildren(nodes.length ? drawGraph(nodes, edges) : '');
    renderSide();
    renderEdges();
  }

  function drawGraph(nodes, edges) {
    const { positions, width, height } = layoutMap(nodes, edges);
    const sel = selected();
    const touches = (e) => e.caller === sel || e.callee === sel;
    const root = svg('svg', { class: 'map', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Service map' });
    root.append(arrowMarker());
    for (const e of edges) {
      const a = positions.get(e.caller);
      const b = positions.get(e.callee);
      if (!a || !b) continue;
      const [x1, y1, x2, y2] = [a.x + NODE_W, a.y + NODE_H / 2, b.x, b.y + NODE_H / 2];
      const back = x2 <= x1; // a call against the layering (a cycle): bend it below
      const bend = back ? `C ${x1 + 60} ${y1 + 90}, ${x2 - 60} ${y2 + 90}` : `C ${(x1 + x2) / 2} ${y1}, ${(x1 + x2) / 2} ${y2}`;
      const cls = ['edge', e.errorRatio >= ERROR_RATIO_WARN ? 'failing' : '', sel && (touches(e) ? 'hl' : 'dim')].filter(Boolean).join(' ');
      const g = svg('g', { class: cls, 'data-edge': `${e.caller}->${e.callee}` });
      const path = svg('path', { d: `M ${x1} ${y1} ${bend} ${x2 - 2} ${y2}`, 'marker-end': 'url(#arrow)', 'stroke-width': Math.min(4, 1 + Math.log10(1 + e.callsPerMinute)).toFixed(2) });
      const title = svg('title');
      title.textContent = `${e.caller} → ${e.callee}: ${edgeLabel(e)}, p50 ${fmtDuration(e.p50Ms)}`;
      // Labelled mid-way between neighbouring layers; an edge spanning layers is labelled in
      // the gap before its callee, where it runs level with it, clear of the nodes it passes.
      const long = b.layer - a.layer > 1;
      const [lx, ly] = back ? [(x1 + x2) / 2, Math.max(y1, y2) + 62] : long ? [x2 - GAP_X / 2, y2 - 4] : [(x1 + x2) / 2, (y1 + y2) / 2 - 4];
      const label = svg('text', { x: lx, y: ly, 'text-anchor': 'middle', class: 'edge-label' });
      const rate = svg('tspan', { x: lx, dy: '-0.2em' });
      rate.textContent = `${fmtNumber(e.callsPerMinute)}/min`;
      const rest = svg('tspan', { x: lx, dy: '1.15em' });
      rest.textContent = `${pct(e.errorRatio)} err · p95 ${fmtDuration(e.p95Ms)}`;
      label.append(rate, rest);
      g.append(title, path, label);
      root.append(g);
    }
    for (const n of nodes) {
      const p = positions.get(n.name);
      const cls = ['node', nodeState(n), n.kind, sel === n.name ? 'selected' : '', sel && sel !== n.name && !edges.some((e) => touches(e) && (e.caller === n.name || e.callee === n.name)) ? 'dim' : ''].filter(Boolean).join(' ');
      const g = svg('g', { class: cls, transform: `translate(${p.x} ${p.y})`, tabindex: '0', role: 'button', 'data-service': n.name, 'aria-label': `${n.name} (${n.kind})${n.anomalous ? ', anomalous' : ''}` });
      g.addEventListener('click', () => select(n.name));
      g.addEventListener('keydown', (ev) => (ev.key === 'Enter' || ev.key === ' ') && (ev.preventDefault(), select(n.name)));
      const title = svg('title');
      title.textContent = `${n.name} (${n.kind}): ${fmtNumber(n.callsPerMinute)} calls/min, ${pct(n.errorRatio)} errors, p95 ${fmtDuration(n.p95Ms)}${n.anomalous ? ' — anomalous now' : ''}`;
      const name = svg('text', { x: ICONS[n.kind] ? 30 : 12, y: 20, class: 'node-name' });
      name.textContent = n.name.length > 18 ? `${n.name.slice(0, 17)}…` : n.name;
      const stats = svg('text', { x: 12, y: 38, class: 'node-stats' });
      stats.textContent = `${fmtNumber(n.callsPerMinute)}/min · ${pct(n.errorRatio)} · p95 ${fmtDuration(n.p95Ms)}`;
      g.append(title, svg('rect', { width: NODE_W, height: NODE_H, rx: n.kind === 'service' ? 4 : 14 }), svg('rect', { class: 'state', width: 4, height: NODE_H }));
      if (ICONS[n.kind]) g.append(svg('path', { class: 'icon', d: ICONS[n.kind], transform: 'translate(10 7)' }));
      g.append(name, stats);
      root.append(g);
    }
    return root;
  }

  function renderSide() {
    const n = data.nodes.find((x) => x.name === selected());
    side.hidden = !n;
    if (!n) return side.replaceChildren();
    const shared = sharedParams(route);
    const dl = h('dl', { class: 'kv' });
    const add = (k, v) => dl.append(h('dt', { text: k }), h('dd', {}, v));
    add('kind', n.kind);
    add('state', n.anomalous ? 'anomalous now' : n.errorRatio >= ERROR_RATIO_WARN ? 'failing calls' : 'healthy');
    add('calls', `${fmtNumber(n.callsPerMinute)}/min`);
    add('errors', pct(n.errorRatio));
    add('p95', fmtDuration(n.p95Ms));
    add('callers', data.edges.filter((e) => e.callee === n.name).map((e) => e.caller).join(', ') || '–');
    add('calls to', data.edges.filter((e) => e.caller === n.name).map((e) => e.callee).join(', ') || '–');
    side.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', { text: n.name }), h('span', { class: 'spacer' }), h('button', { type: 'button', class: 'icon-btn', title: 'Clear selection', 'aria-label': 'Clear selection', onclick: () => select(n.name), text: '×' })),
      h('div', { class: 'panel-body' }, dl,
        h('div', { class: 'links' },
          h('a', { href: routeHref('live', '', { ...shared, service: n.name }), text: 'Live anomalies' }),
          h('a', { href: routeHref('incidents', '', { ...shared, service: n.name }), text: 'Incidents' }),
          h('a', { href: routeHref('explore', 'logs', { ...shared, service: n.name }), text: 'Logs' }),
          n.kind === 'service' ? h('a', { href: routeHref('explore', 'traces', { ...shared, compare: n.name }), text: 'Slow/failed spans' }) : '')));
  }

  function renderEdges() {
    const sel = selected();
    const shown = sel ? data.edges.filter((e) => e.caller === sel || e.callee === sel) : data.edges;
    edgesBody.replaceChildren(...[...shown].sort((a, b) => b.callsPerMinute - a.callsPerMinute).map((e) => h('tr', { class: e.errorRatio >= ERROR_RATIO_WARN ? 'failing' : '' },
      h('td', { text: e.caller }), h('td', { text: e.callee }), h('td', { text: e.calleeKind }),
      h('td', { class: 'num', text: fmtNumber(e.callsPerMinute) }), h('td', { class: 'num', text: pct(e.errorRatio) }),
      h('td', { class: 'num', text: fmtDuration(e.p50Ms) }), h('td', { class: 'num', text: fmtDuration(e.p95Ms) }))));
  }

  const timer = setInterval(() => {
    if (!document.hidden && route.range.to === 'now') void load();
  }, REFRESH_MS);
  void load();
  return {
    update(next) {
      const prev = route;
      route = next;
      if (prev.range.from !== next.range.from || prev.range.to !== next.range.to) void load();
      else render();
    },
    unmount() {
      abort?.abort();
      clearInterval(timer);
    },
  };
}

function arrowMarker() {
  const defs = svg('defs');
  const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }));
  defs.append(marker);
  return defs;
}
