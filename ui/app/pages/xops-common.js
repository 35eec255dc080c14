import { h } from '../dom.js';

/** Shared bits of the XOps pages (change risk, DORA, capacity, cost): a panel, a table, an error line. */
export function panel(title, ...body) {
  return h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', { text: title })), h('div', { class: 'panel-body' }, ...body));
}

export function table(headers, rows, { testid } = {}) {
  return h('table', { class: 'kv', 'data-testid': testid },
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { text: x })))),
    h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c ?? '–'))))));
}

export function errorLine(err) {
  return h('div', { class: 'error-banner', role: 'alert', text: `${err.code ?? 'ERROR'}: ${err.message}` });
}

export const fmt = (x, digits = 2) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en', { maximumFractionDigits: digits }));
