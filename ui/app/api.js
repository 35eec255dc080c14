/** The Vigil REST API, same origin. Errors carry the server's `{ code, message }`. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function getJson(path, params = {}, { signal } = {}) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') query.set(k, String(v));
  const text = query.toString();
  const res = await fetch(`${path}${text ? `?${text}` : ''}`, { signal, headers: { accept: 'application/json' } });
  return readJson(res);
}

async function readJson(res) {
  if (!res.ok) {
    let body = {};
    try {
      body = await res.json();
    } catch {
      // not JSON: keep the status
    }
    throw new ApiError(res.status, body.code ?? 'HTTP', body.message ?? `${res.status} ${res.statusText}`);
  }
  return res.json();
}

const rangeParams = (range) => ({ since: range.from, until: range.to });

export const api = {
  services: (range, opts) => getJson('/api/v1/services', rangeParams(range), opts),
  stats: (opts) => getJson('/api/v1/stats', {}, opts),
  anomalies: (range, filters = {}, opts) => getJson('/api/v1/anomalies', { ...rangeParams(range), ...filters }, opts),
  seriesScores: (key, since, until, opts) => getJson(`/api/v1/series/${encodeURIComponent(key)}/scores`, { since, until }, opts),
  logs: (range, filters = {}, opts) => getJson('/api/v1/logs', { ...rangeParams(range), ...filters }, opts),
  patterns: (range, filters = {}, opts) => getJson('/api/v1/patterns', { ...rangeParams(range), ...filters }, opts),
  trace: (traceId, opts) => getJson(`/api/v1/traces/${encodeURIComponent(traceId)}`, {}, opts),
  metricSeries: (range, filters, opts) => getJson('/api/v1/metrics/series', { ...rangeParams(range), ...filters }, opts),
  incidents: (filters = {}, opts) => getJson('/api/v1/incidents', filters, opts),
  incident: (id, opts) => getJson(`/api/v1/incidents/${encodeURIComponent(id)}`, {}, opts),
  /** `action`: 'ack' or 'resolve'. */
  incidentAction: (id, action) => postJson(`/api/v1/incidents/${encodeURIComponent(id)}/${action}`, {}),
  traceCompare: (range, filters, opts) => getJson('/api/v1/traces/compare', { ...rangeParams(range), ...filters }, opts),
  serviceMap: (range, opts) => getJson('/api/v1/service-map', rangeParams(range), opts),
  drills: (filters = {}, opts) => getJson('/api/v1/drills', filters, opts),
  drill: (id, opts) => getJson(`/api/v1/drills/${encodeURIComponent(id)}`, {}, opts),
};

export async function postJson(path, body) {
  const res = await fetch(path, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return readJson(res);
}

/** Whether an error is a fetch we aborted ourselves (a newer request superseded it). */
export function isAbort(err) {
  return err?.name === 'AbortError';
}
