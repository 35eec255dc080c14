import { api, isAbort } from '../api.js';
import { chartWindow, hasScores, isOpen, scoreBadge, scoreClass, seriesLabel, valueSummary } from '../anomaly-format.js';
import { bandChart, scoresToData } from '../charts.js';
import { debounce, h } from '../dom.js';
import { sendDataHelp } from '../empty-state.js';
import { subscribe } from '../live-stream.js';
import { routeHref, sharedParams, updateParams } from '../router.js';
import { fmtNumber, fmtWhen, isRelative, toMs } from '../time.js';
import { seriesDetail } from './series-detail.js';

const MAX_FEED_ROWS = 200;
const MAX_CHARTS = 12;
/** A chart refetches its series at most this often, however fast its anomaly updates. */
const CHART_REFRESH_MS = 5_000;
const SERVICES_REFRESH_MS = 30_000;
/** Least time between two redraws of the service tiles and chart cards while the stream is busy. */
const SUMMARY_REDRAW_MS = 250;

/**
 * Live: service health, the anomalies open now as charts, and the live anomaly feed.
 * Anomalies come from the API once per range and then only from the SSE stream;
 * every stream batch (one per animation frame at most) updates the DOM in place.
 */
export function livePage(root, initialRoute) {
  let route = initialRoute;
  let anomalies = new Map(); // id → anomaly (latest event wins)
  let services = new Map(); // name → summary
  let loadAbort;
  const tiles = new Map(); // name → { el, meta }
  const feedRows = new Map(); // id → row element
  const cards = new Map(); // seriesKey → chart card
  let detail;

  const tilesEl = h('div', { class: 'tiles' });
  const summaryEl = h('span', { class: 'count' });
  const search = h('input', { type: 'search', placeholder: 'Filter services and series  ( / )', 'data-search': true, value: route.params.get('q') ?? '', oninput: debounce(() => updateParams({ q: search.value }, { replace: true }), 250) });
  const chartsEl = h('div', { class: 'charts' });
  const chartsNote = h('span', { class: 'count' });
  const chartsEmpty = h('div', { class: 'empty-inline', hidden: true });
  const help = h('div', { hidden: true });
  const mainPanel = h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', { text: 'Anomalous now' }), chartsNote),
    h('div', { class: 'panel-body' }, help, chartsEmpty, chartsEl));
  const detailHost = h('section', { class: 'detail', hidden: true });
  const feedList = h('div', { class: 'feed-list', role: 'list' });
  const feedCount = h('span', { class: 'count' });
  const feedEmpty = h('div', { class: 'empty-inline', text: 'No anomalies in this range. New ones appear here the moment the detectors open them.' });
  const errorEl = h('div', { class: 'error-banner', hidden: true });
  const layout = h('div', { class: 'live' },
    h('section', { class: 'panel services' },
      h('div', { class: 'panel-head' }, h('h2', { text: 'Services' }), summaryEl, h('span', { class: 'spacer' }), search),
      errorEl,
      h('div', { class: 'panel-body' }, tilesEl)),
    mainPanel,
    detailHost,
    h('section', { class: 'panel feed' },
      h('div', { class: 'panel-head' }, h('h2', { text: 'Live anomaly feed' }), feedCount),
      feedEmpty,
      feedList));
  root.append(layout);

  const filterText = () => (route.params.get('q') ?? '').toLowerCase();
  const serviceFilter = () => route.params.get('service') ?? '';
  const visible = (a) => (!serviceFilter() || a.service === serviceFilter()) && (!filterText() || `${a.service} ${a.seriesKey} ${seriesLabel(a)}`.toLowerCase().includes(filterText()));

  async function load() {
    loadAbort?.abort();
    loadAbort = new AbortController();
    const { signal } = loadAbort;
    try {
      const [svc, found] = await Promise.all([api.services(route.range, { signal }), api.anomalies(route.range, { limit: 1000 }, { signal })]);
      services = new Map(svc.services.map((s) => [s.name, s]));
      anomalies = new Map(found.anomalies.map((a) => [a.id, a]));
      errorEl.hidden = true;
      renderAll();
    } catch (err) {
      if (isAbort(err)) return;
      errorEl.textContent = `Could not load: ${err.message}`;
      errorEl.hidden = false;
    }
  }

  let servicesFetchedMs = 0;
  async function refreshServices() {
    // At most every 5 s: a stream naming new services must not turn into a query per frame.
    if (!isRelative(route.range) || document.hidden || Date.now() - servicesFetchedMs < 5_000) return;
    servicesFetchedMs = Date.now();
    try {
      const svc = await api.services(route.range);
      const before = services.size;
      for (const s of svc.services) services.set(s.name, s);
      if (services.size !== before) renderAll();
      else renderTiles();
    } catch {
      // the next refresh retries; the stream keeps the page live meanwhile
    }
  }

  function serviceHealth() {
    const health = new Map();
    for (const name of services.keys()) health.set(name, { open: 0, peak: 0, total: 0 });
    for (const a of anomalies.values()) {
      const h = health.get(a.service) ?? { open: 0, peak: 0, total: 0 };
      h.total++;
      if (isOpen(a)) {
        h.open++;
        h.peak = Math.max(h.peak, a.peakScore);
      }
      health.set(a.service, h);
    }
    return health;
  }

  function renderTiles() {
    const health = serviceHealth();
    const names = [...health.keys()].sort((a, b) => (health.get(b).open - health.get(a).open) || (health.get(b).peak - health.get(a).peak) || a.localeCompare(b));
    const text = filterText();
    let openTotal = 0;
    const ordered = [];
    for (const name of names) {
      const hh = health.get(name);
      openTotal += hh.open;
      if (text && !name.toLowerCase().includes(text)) continue;
      let tile = tiles.get(name);
      if (!tile) {
        const meta = h('div', { class: 'meta' });
        const el = h('a', { class: 'tile', dataset: { service: name } }, h('div', { class: 'name', text: name, title: name }), meta);
        tile = { el, meta };
        tiles.set(name, tile);
      }
      const s = services.get(name);
      const className = `tile ${hh.open > 0 ? (hh.peak >= 0.8 ? 'crit' : 'warn') : ''}${serviceFilter() === name ? ' selected' : ''}`;
      const href = routeHref('live', '', { ...sharedParams(route), service: serviceFilter() === name ? undefined : name, q: route.params.get('q') ?? undefined });
      const openText = hh.open ? `${hh.open} open · peak ${hh.peak.toFixed(2)}` : 'healthy';
      const counts = s ? `${fmtNumber(s.logs)} logs · ${fmtNumber(s.spans)} spans · ${fmtNumber(s.metricPoints)} pts` : 'seen in anomalies';
      // Only tiles whose state changed touch the DOM: a stream batch usually moves a few of hundreds.
      const signature = `${className}|${href}|${openText}|${counts}|${hh.total}`;
      if (tile.signature !== signature) {
        tile.signature = signature;
        tile.el.className = className;
        tile.el.setAttribute('href', href);
        tile.el.title = `${name}: ${hh.open} open anomalies${hh.open ? `, peak score ${hh.peak.toFixed(2)}` : ''}; ${hh.total} in range. Click to filter.`;
        tile.meta.replaceChildren(h('span', { class: 'open', text: openText }), ` · ${counts}`);
      }
      ordered.push(tile.el);
    }
    const children = tilesEl.children;
    const sameOrder = ordered.length > 0 && ordered.length === children.length && ordered.every((el, i) => children[i] === el);
    if (!sameOrder) tilesEl.replaceChildren(...(ordered.length ? ordered : [h('div', { class: 'muted', text: services.size ? 'No service matches the filter.' : 'No services in this range yet.' })]));
    summaryEl.textContent = `${health.size} services · ${openTotal} open anomalies`;
    const nothing = services.size === 0 && anomalies.size === 0;
    help.hidden = !nothing;
    if (nothing && help.childElementCount === 0) help.append(sendDataHelp('No data in this range yet'));
  }

  function feedRow(a) {
    let row = feedRows.get(a.id);
    if (!row) {
      row = h('div', { class: 'feed-row', role: 'listitem', tabindex: '0' });
      row.addEventListener('click', () => updateParams({ series: row.dataset.key }));
      row.addEventListener('keydown', (e) => e.key === 'Enter' && row.click());
      feedRows.set(a.id, row);
    }
    const kind = a.type ?? a.status;
    row.dataset.key = a.seriesKey;
    row.dataset.id = a.id;
    row.title = `${a.seriesKey}\n${valueSummary(a)}\nstart ${a.start}, peak ${a.peakTime}`;
    row.replaceChildren(
      h('span', { class: 'time', text: fmtWhen(Date.parse(a.start)) }),
      h('span', { class: `badge ${kind}`, text: kind }),
      h('span', { class: 'what' }, h('div', {}, h('span', { class: 'svc', text: a.service })), h('div', { class: 'sub', text: seriesLabel(a) })),
      scoreBadge(a.peakScore),
    );
    return row;
  }

  function renderFeed(batch) {
    if (!batch) {
      feedRows.clear();
      const sorted = [...anomalies.values()].filter(visible).sort((x, y) => Date.parse(y.updatedAt) - Date.parse(x.updatedAt)).slice(0, MAX_FEED_ROWS);
      feedList.replaceChildren(...sorted.map(feedRow));
    } else {
      // Newest on top: the batch is in arrival order, so take it from the newest, and only as
      // many rows as the list keeps (a burst never builds rows that are dropped at once).
      const fragment = document.createDocumentFragment();
      for (let i = batch.length - 1, n = 0; i >= 0 && n < MAX_FEED_ROWS; i--) {
        if (!visible(batch[i])) continue;
        fragment.append(feedRow(batch[i]));
        n++;
      }
      feedList.prepend(fragment);
      while (feedList.childElementCount > MAX_FEED_ROWS) {
        const last = feedList.lastElementChild;
        feedRows.delete(last.dataset.id);
        last.remove();
      }
    }
    feedEmpty.hidden = feedList.childElementCount > 0;
    feedCount.textContent = `${anomalies.size} in range`;
  }

  function anomaliesOf(key) {
    return [...anomalies.values()].filter((a) => a.seriesKey === key);
  }

  function windowsOf(key) {
    return anomaliesOf(key).map((a) => [Date.parse(a.start), Date.parse(a.end) + 60_000]);
  }

  function makeCard(a) {
    const plot = h('div', { class: 'plot' });
    const title = h('div', { class: 'title' });
    const el = h('div', { class: 'chart-card', tabindex: '0', dataset: { key: a.seriesKey } }, title, plot);
    el.addEventListener('click', () => updateParams({ series: a.seriesKey }));
    el.addEventListener('keydown', (e) => e.key === 'Enter' && el.click());
    const card = { el, title, plot, chart: undefined, anomaly: a, lastFetchMs: 0, dirty: true, inFlight: false };
    return card;
  }

  async function fetchCard(card) {
    card.dirty = false;
    if (!hasScores(card.anomaly.seriesKey)) {
      card.chart ??= { setData() {}, destroy() {} };
      card.plot.replaceChildren(h('div', { class: 'empty-inline', text: `No scored series to chart for a ${card.anomaly.signal} anomaly: its values are in the feed; a log pattern's lines are in Explore → Logs.` }));
      return;
    }
    card.inFlight = true;
    card.lastFetchMs = Date.now();
    try {
      const win = chartWindow(card.anomaly, route.range, toMs);
      const scores = await api.seriesScores(card.anomaly.seriesKey, win.since, win.until);
      if (!cards.has(card.anomaly.seriesKey)) return;
      card.chart ??= bandChart(card.plot, { height: 180 });
      card.chart.setData(scoresToData(scores), windowsOf(card.anomaly.seriesKey));
    } catch {
      card.dirty = true; // retried on the next tick
    } finally {
      card.inFlight = false;
    }
  }

  function renderCharts() {
    const open = new Map();
    for (const a of anomalies.values()) {
      if (!isOpen(a) || !visible(a)) continue;
      const seen = open.get(a.seriesKey);
      if (!seen || a.peakScore > seen.peakScore) open.set(a.seriesKey, a);
    }
    for (const [key, card] of cards) {
      if (!open.has(key)) {
        card.chart?.destroy();
        card.el.remove();
        cards.delete(key);
      }
    }
    const ranked = [...open.values()].sort((x, y) => y.peakScore - x.peakScore);
    for (const a of ranked) {
      const card = cards.get(a.seriesKey);
      if (card) {
        card.anomaly = a;
      } else if (cards.size < MAX_CHARTS) {
        const created = makeCard(a);
        cards.set(a.seriesKey, created);
        chartsEl.append(created.el);
      }
    }
    for (const card of cards.values()) {
      const a = card.anomaly;
      const signature = `${a.peakScore}|${valueSummary(a)}`;
      if (card.signature === signature) continue;
      card.signature = signature;
      card.title.replaceChildren(scoreBadge(a.peakScore), h('span', { class: 'svc', text: a.service }), h('span', { class: 'series', text: seriesLabel(a), title: a.seriesKey }));
      card.el.title = valueSummary(a);
    }
    chartsNote.textContent = ranked.length > MAX_CHARTS ? `top ${MAX_CHARTS} of ${ranked.length} open series by score` : `${ranked.length} open series`;
    const noData = services.size === 0 && anomalies.size === 0;
    chartsEmpty.hidden = ranked.length > 0;
    chartsEmpty.textContent = noData ? '' : 'Nothing is anomalous right now. Closed anomalies of this range are in the feed; click one for its chart.';
  }

  function tickCharts() {
    const now = Date.now();
    for (const card of cards.values()) {
      if ((card.dirty || !card.chart) && !card.inFlight && now - card.lastFetchMs >= (card.chart ? CHART_REFRESH_MS : 0)) void fetchCard(card);
    }
  }

  function renderDetail() {
    const key = route.params.get('series');
    detailHost.hidden = !key;
    mainPanel.hidden = Boolean(key);
    if (!key) {
      detail?.destroy();
      detail = undefined;
      return;
    }
    if (detail?.key !== key) {
      detail?.destroy();
      detail = seriesDetail(detailHost, key, () => anomaliesOf(key));
    }
    detail.show(route);
  }

  function renderAll() {
    renderTiles();
    renderFeed();
    renderCharts();
    tickCharts();
    renderDetail();
  }

  // The feed follows every frame's batch; tiles and chart cards summarise all anomalies and
  // are redrawn at most every SUMMARY_REDRAW_MS, so a burst costs a few full redraws a second.
  let summaryDue = 0;
  let summaryTimer;
  const renderSummary = () => {
    summaryTimer = undefined;
    summaryDue = performance.now() + SUMMARY_REDRAW_MS;
    renderTiles();
    renderCharts();
    tickCharts();
  };
  const unsubscribe = subscribe((batch) => {
    let newService = false;
    for (const e of batch) {
      anomalies.set(e.id, e);
      if (!services.has(e.service)) newService = true;
      const card = cards.get(e.seriesKey);
      if (card) card.dirty = true;
      if (detail?.key === e.seriesKey) detail.markDirty();
    }
    renderFeed(batch);
    const wait = summaryDue - performance.now();
    if (wait <= 0) renderSummary();
    else summaryTimer ??= setTimeout(renderSummary, wait);
    if (newService) void refreshServices();
  });
  const chartTimer = setInterval(tickCharts, 1000);
  const servicesTimer = setInterval(refreshServices, SERVICES_REFRESH_MS);
  const onTheme = () => {
    for (const card of cards.values()) {
      card.chart?.destroy();
      card.chart = undefined;
      card.dirty = true;
      card.lastFetchMs = 0;
    }
    detail?.rebuild();
    tickCharts();
  };
  window.addEventListener('vigil:theme', onTheme);
  void load();

  return {
    update(next) {
      const prev = route;
      route = next;
      if (search !== document.activeElement) search.value = route.params.get('q') ?? '';
      if (prev.range.from !== next.range.from || prev.range.to !== next.range.to) {
        for (const card of cards.values()) card.chart?.destroy();
        cards.clear();
        chartsEl.replaceChildren();
        void load();
      } else {
        renderAll();
      }
    },
    unmount() {
      loadAbort?.abort();
      unsubscribe();
      clearTimeout(summaryTimer);
      clearInterval(chartTimer);
      clearInterval(servicesTimer);
      window.removeEventListener('vigil:theme', onTheme);
      for (const card of cards.values()) card.chart?.destroy();
      detail?.destroy();
    },
  };
}
