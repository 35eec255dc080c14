import { api, isAbort } from '../api.js';
import { debounce, h } from '../dom.js';
import { sendDataHelp } from '../empty-state.js';
import { routeHref, sharedParams, updateParams } from '../router.js';
import { fmtTimeMs, isRelative } from '../time.js';

const SEVERITIES = ['', 'TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
/** There is no log stream endpoint yet, so live tail polls the logs API at this period. */
const TAIL_EVERY_MS = 2_000;
const LIMIT = 200;

/** Logs, newest first: text search, service, severity and pattern filters, live tail. */
export function logsTab(root, initialRoute) {
  let route = initialRoute;
  let abort;
  let tailTimer;
  let lastKey = '';
  const p = (name) => route.params.get(name) ?? '';
  const q = h('input', { type: 'search', name: 'q', placeholder: 'Search log text  ( / )', 'data-search': true, oninput: debounce(() => updateParams({ q: q.value }, { replace: true }), 300) });
  const service = h('select', { name: 'service', title: 'Service', onchange: () => updateParams({ service: service.value }) }, h('option', { value: '', text: 'All services' }));
  const severity = h('select', { name: 'severity', title: 'Severity', onchange: () => updateParams({ severity: severity.value }) },
    SEVERITIES.map((s) => h('option', { value: s, text: s || 'Any severity' })));
  const templateChip = h('span', { class: 'badge new', hidden: true });
  const clearTemplate = h('button', { type: 'button', hidden: true, text: '× pattern', title: 'Remove the pattern filter', onclick: () => updateParams({ template: undefined }) });
  const tail = h('button', { type: 'button', title: `Live tail: re-query every ${TAIL_EVERY_MS / 1000} s`, onclick: () => updateParams({ tail: p('tail') ? undefined : '1' }) });
  const count = h('span', { class: 'count' });
  const tbody = h('tbody');
  const errorEl = h('div', { class: 'error-banner', hidden: true });
  const empty = h('div', { hidden: true });
  root.append(
    h('div', { class: 'toolbar' }, q, service, severity, templateChip, clearTemplate, tail, count),
    errorEl,
    h('div', { class: 'panel scroll' },
      h('table', { class: 'grid logs' },
        h('colgroup', {}, h('col', { width: '110' }), h('col', { width: '60' }), h('col', { width: '140' }), h('col')),
        h('thead', {}, h('tr', {}, h('th', { text: 'Time' }), h('th', { text: 'Level' }), h('th', { text: 'Service' }), h('th', { text: 'Message' }))),
        tbody),
      empty));

  void api.services(route.range).then(({ services }) => {
    const known = new Set([...service.options].map((o) => o.value));
    for (const s of services) if (!known.has(s.name)) service.append(h('option', { value: s.name, text: s.name }));
    service.value = p('service');
  }).catch(() => {});

  function row(log) {
    const sev = (log.severityText || '').toLowerCase();
    const tr = h('tr', { tabindex: '0' },
      h('td', { class: 'mono', text: fmtTimeMs(Number(BigInt(log.timestampUnixNano) / 1_000_000n)), title: log.timestamp }),
      h('td', {}, h('span', { class: `sev ${sev.startsWith('warn') ? 'warn' : sev}`, text: log.severityText || '–' })),
      h('td', { text: log.service, title: log.service }),
      h('td', { class: 'mono', text: log.body, title: log.body }));
    tr.addEventListener('click', () => toggleDetail(tr, log));
    tr.addEventListener('keydown', (e) => e.key === 'Enter' && toggleDetail(tr, log));
    return tr;
  }

  function toggleDetail(tr, log) {
    if (tr.nextElementSibling?.classList.contains('expanded')) return tr.nextElementSibling.remove();
    const dl = h('dl', { class: 'kv' });
    const add = (k, v) => dl.append(h('dt', { text: k }), h('dd', {}, v));
    add('time', log.timestamp);
    add('body', log.body);
    if (log.traceId) add('trace', h('a', { href: routeHref('explore', 'traces', { ...sharedParams(route), trace: log.traceId }), text: log.traceId }));
    if (log.templateId) add('pattern', h('a', { href: routeHref('explore', 'logs', { ...sharedParams(route), template: log.templateId }), text: `${log.templateId} (rows of this pattern)` }));
    for (const [k, v] of Object.entries(log.attributes ?? {})) add(k, v);
    for (const [k, v] of Object.entries(log.resource ?? {})) add(`resource.${k}`, v);
    tr.after(h('tr', { class: 'expanded' }, h('td', { colspan: '4' }, dl)));
  }

  async function load() {
    abort?.abort();
    abort = new AbortController();
    try {
      const filters = { q: p('q'), service: p('service'), severity: p('severity'), template: p('template'), limit: LIMIT };
      const { logs } = await api.logs(route.range, filters, { signal: abort.signal });
      errorEl.hidden = true;
      // Tail keeps rows (and an open detail) in place when nothing new arrived.
      const key = logs.length ? `${logs.length}:${logs[0].timestampUnixNano}:${logs[logs.length - 1].timestampUnixNano}` : '0';
      if (key !== lastKey) {
        lastKey = key;
        tbody.replaceChildren(...logs.map(row));
      }
      const filtered = ['q', 'service', 'severity', 'template'].some((k) => p(k));
      count.textContent = `${logs.length}${logs.length === LIMIT ? '+' : ''} rows, newest first${p('tail') ? ` · tailing every ${TAIL_EVERY_MS / 1000} s` : ''}`;
      empty.hidden = logs.length > 0;
      empty.replaceChildren(filtered ? h('div', { class: 'empty-inline', text: 'No log matches these filters in this range.' }) : sendDataHelp('No logs in this range'));
    } catch (err) {
      if (isAbort(err)) return;
      errorEl.textContent = `Could not load logs: ${err.message}`;
      errorEl.hidden = false;
    }
  }

  function apply() {
    if (q !== document.activeElement) q.value = p('q');
    // A shared link may name a service the list has not loaded (yet): it is still selectable.
    if (p('service') && ![...service.options].some((o) => o.value === p('service'))) service.append(h('option', { value: p('service'), text: p('service') }));
    service.value = p('service');
    severity.value = p('severity');
    templateChip.hidden = clearTemplate.hidden = !p('template');
    templateChip.textContent = `pattern ${p('template')}`;
    tail.textContent = p('tail') ? '■ Stop tail' : '▶ Tail';
    tail.classList.toggle('on', Boolean(p('tail')));
    clearInterval(tailTimer);
    // Tail re-runs the query with the range's relative ends re-evaluated, newest rows on top.
    if (p('tail')) tailTimer = setInterval(() => !document.hidden && load(), TAIL_EVERY_MS);
    if (p('tail') && !isRelative(route.range)) count.textContent = 'Tail needs a range that ends at now';
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
      clearInterval(tailTimer);
    },
  };
}
