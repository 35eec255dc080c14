import { DEFAULT_FROM } from './time.js';

/**
 * The app's state lives in the URL fragment — `#/<page>[/<tab>]?from=&to=&…` — so any
 * view can be shared as a link and restored exactly. Navigation only rewrites the hash;
 * the `hashchange` listener renders.
 */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [page = 'live', tab = ''] = path.split('/');
  const params = new URLSearchParams(query);
  return {
    page: page || 'live',
    tab,
    params,
    range: { from: params.get('from') || DEFAULT_FROM, to: params.get('to') || 'now' },
  };
}

export function routeHref(page, tab, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  const text = query.toString();
  return `#/${page}${tab ? `/${tab}` : ''}${text ? `?${text}` : ''}`;
}

/** Params carried from page to page: the time range. */
export function sharedParams(route = currentRoute()) {
  const out = {};
  if (route.params.get('from')) out.from = route.params.get('from');
  if (route.params.get('to')) out.to = route.params.get('to');
  return out;
}

/** Goes to a view; `replace` rewrites the current history entry (typing in a filter). */
export function navigate(page, tab, params, { replace = false } = {}) {
  const href = routeHref(page, tab, params);
  if (href === location.hash) return;
  if (replace) location.replace(href);
  else location.hash = href;
}

/** The current view with some params changed (undefined or '' removes one). */
export function updateParams(changes, options) {
  const route = currentRoute();
  const params = Object.fromEntries(route.params);
  Object.assign(params, changes);
  navigate(route.page, route.tab, params, options);
}
