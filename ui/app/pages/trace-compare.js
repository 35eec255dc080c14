import { api, isAbort } from '../api.js';
import { h } from '../dom.js';
import { updateParams } from '../router.js';
import { fmtDuration, fmtNumber } from '../time.js';

const SELECTS = [['both', 'slow or failed'], ['slow', 'slow'], ['errors', 'failed']];
const pct = (share) => `${(share * 100).toFixed(share > 0 && share < 0.01 ? 2 : 1)}%`;

/**
 * Slow/failed comparison: which span attribute values are over-represented among a
 * service's slow (≥ the baseline's p95) or failed spans in the range, against the same
 * length just before. URL: `compare=<service>&select=both|slow|errors`.
 */
export function traceCompare(host) {
  let abort;
  let shown = '';
  const service = h('input', { type: 'search', name: 'compare', placeholder: 'Service', size: '18' });
  const select = h('select', { name: 'select' }, SELECTS.map(([v, label]) => h('option', { value: v, text: label })));
  const form = h('form', { class: 'toolbar', onsubmit: (e) => { e.preventDefault(); updateParams({ compare: service.value.trim(), select: select.value === 'both' ? undefined : select.value, trace: undefined }); } },
    h('span', { class: 'muted', text: 'Compare the' }), select, h('span', { class: 'muted', text: 'spans of' }), service,
    h('span', { class: 'muted', text: 'with the same length of time before the range' }), h('button', { type: 'submit', text: 'Compare' }));
  const summary = h('div', { class: 'note' });
  const tbody = h('tbody');
  const table = h('table', { class: 'grid compare' },
    h('colgroup', {}, h('col', { width: '220' }), h('col'), h('col', { width: '170' }), h('col', { width: '130' }), h('col', { width: '70' })),
    h('thead', {}, h('tr', {}, ['Attribute', 'Value', 'Share of selected', 'Share in baseline', 'Lift'].map((t, i) => h('th', { class: i >= 2 ? 'num' : undefined, text: t })))),
    tbody);
  const body = h('div', { class: 'panel', hidden: true }, h('div', { class: 'panel-body' }, summary), table);
  host.append(form, body);

  async function load(route) {
    const name = route.params.get('compare') ?? '';
    const which = route.params.get('select') ?? 'both';
    const key = `${name}|${which}|${route.range.from}|${route.range.to}`;
    if (service !== document.activeElement) service.value = name;
    select.value = which;
    if (key === shown) return;
    shown = key;
    body.hidden = !name;
    if (!name) return;
    abort?.abort();
    abort = new AbortController();
    summary.textContent = 'Comparing…';
    tbody.replaceChildren();
    try {
      const r = await api.traceCompare(route.range, { service: name, select: which }, { signal: abort.signal });
      summary.textContent = `${name}: ${fmtNumber(r.selected)} of ${fmtNumber(r.spans)} spans in the range selected (${fmtNumber(r.slow)} slow, ≥ the baseline p95 of ${fmtDuration(r.baselineP95Ms)}; ${fmtNumber(r.failed)} failed), against ${fmtNumber(r.baselineSpans)} baseline spans. ` +
        (r.deltas.length ? 'Values most over-represented first:' : 'No attribute value stands out.');
      tbody.replaceChildren(...r.deltas.map((d) => {
        const bar = h('span', { class: 'fill' });
        bar.style.width = `${Math.round(d.selectedShare * 100)}%`;
        return h('tr', {},
          h('td', { class: 'mono', text: d.key, title: d.key }),
          h('td', { class: 'mono', text: d.value, title: d.value }),
          h('td', { class: 'num' }, h('span', { class: 'confidence' }, bar), ` ${pct(d.selectedShare)}`),
          h('td', { class: 'num', text: pct(d.baselineShare) }),
          h('td', { class: 'num', text: `${d.lift.toFixed(1)}×` }));
      }));
    } catch (err) {
      if (isAbort(err)) return;
      shown = '';
      summary.textContent = `Could not compare: ${err.message}`;
    }
  }

  return { show: load, destroy: () => abort?.abort() };
}
