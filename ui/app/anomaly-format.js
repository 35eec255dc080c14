import { h } from './dom.js';
import { fmtNumber } from './time.js';

/** How an anomaly and its series read in lists: "name stat {attrs}" and a score badge. */
export function seriesLabel(a) {
  const attrs = Object.entries(a.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  const name = a.signal === 'metric' ? a.name : `${a.signal} ${a.name}`;
  return `${name} ${a.stat}${attrs ? ` {${attrs}}` : ''}`;
}

export function scoreClass(score) {
  return score >= 0.8 ? 'crit' : score >= 0.5 ? 'warn' : 'ok';
}

export function scoreBadge(score) {
  return h('span', { class: `score ${scoreClass(score)}`, title: 'Peak anomaly score (0–1)', text: score.toFixed(2) });
}

export function valueSummary(a) {
  return `actual ${fmtNumber(a.actual)}, expected ${fmtNumber(a.expected)} (${fmtNumber(a.lower)}–${fmtNumber(a.upper)})`;
}

/** Whether an anomaly (from the API or the stream) is still open. */
export function isOpen(a) {
  return a.status === 'open' && a.type !== 'close';
}

/** A chart window for an anomaly: the page's range when it is inside, else hours around it. */
export function chartWindow(anomaly, range, toMs) {
  const start = Date.parse(anomaly.start);
  const end = Date.parse(anomaly.end);
  if (start >= toMs(range.from) && start <= toMs(range.to)) return { since: range.from, until: range.to };
  return { since: new Date(start - 3 * 3_600_000).toISOString(), until: new Date(Math.max(end, start) + 30 * 60_000).toISOString() };
}

/**
 * Signals scored per minute, whose series `GET /api/v1/series/:key/scores` serves. New and
 * correlated log-pattern anomalies are about a template, and the isolation forest's
 * `service_features` about a service's whole minute, not a scored series: they link to
 * where to look instead of a chart.
 */
const SCORED_SIGNALS = new Set(['metric', 'log_rate', 'log_pattern', 'span_rate', 'span_errors', 'span_latency']);
export function hasScores(seriesKey) {
  return SCORED_SIGNALS.has(seriesKey.slice(0, seriesKey.indexOf(':')));
}

/** Explore → Logs params for a pattern anomaly's template (its `name` is the template id). */
export function patternLogsParams(a) {
  return { template: a.name, service: a.service };
}
