import { queries, type Store } from '../../analytics/index.js';
import { exhaustion, fillGaps, forecastSeries, minimumPoints } from '../../detectors/forecast/index.js';
import { configuredLimit } from './limits-config.js';
import type { CapacitySettings } from './settings.js';

const LIMIT_SUFFIX = '.limit';

export interface CapacityQuery {
  service: string;
  metric?: string;
  horizonMs: number;
  /** End of the history (event time, ms): the forecast starts at the next step. */
  untilMs: number;
}

export interface MetricCapacity {
  metric: string;
  stepMs: number;
  history: { times: number[]; values: number[] };
  /** Absent when the history is too short to forecast (`skipped` says why). */
  forecast?: {
    model: string;
    seasonLength: number;
    holdoutSmape: number | null;
    times: number[];
    values: number[];
    lower: number[];
    upper: number[];
  };
  limit: { value: number; source: 'metric' | 'config' } | null;
  exhaustion: { exceeded: boolean; atMs: number | null; earliestMs: number | null; latestMs: number | null } | null;
  skipped?: string;
}

/**
 * Forecasts each gauge/sum metric of a service over the horizon, with prediction intervals, and
 * when it reaches its limit: the latest value of the sibling metric `<metric>.limit`, else
 * `capacity.limits`.
 */
export async function capacityFor(store: Store, q: CapacityQuery, settings: CapacitySettings): Promise<MetricCapacity[]> {
  const { stepMs } = settings;
  const untilMs = Math.floor(q.untilMs / stepMs) * stepMs; // the last step is complete
  const points = await queries.metricSteps(store, {
    service: q.service,
    fromMs: untilMs - settings.historyMs,
    untilMs,
    stepSeconds: stepMs / 1000,
    metrics: q.metric ? [q.metric] : undefined,
  });
  const byMetric = new Map<string, Array<{ timeMs: number; value: number }>>();
  for (const p of points) {
    let list = byMetric.get(p.metric);
    if (!list) byMetric.set(p.metric, (list = []));
    list.push(p);
  }
  const horizon = Math.max(1, Math.round(q.horizonMs / stepMs));
  const out: MetricCapacity[] = [];
  const metrics = [...byMetric.keys()].filter((m) => !m.endsWith(LIMIT_SUFFIX) || !byMetric.has(m.slice(0, -LIMIT_SUFFIX.length))).sort();
  for (const metric of metrics.slice(0, settings.maxMetrics)) {
    const { startMs, values } = fillGaps(byMetric.get(metric)!, stepMs);
    const times = values.map((_, i) => startMs + i * stepMs);
    const limitPoints = byMetric.get(metric + LIMIT_SUFFIX);
    const configured = configuredLimit(settings.limits, q.service, metric);
    const limit = limitPoints ? { value: limitPoints[limitPoints.length - 1].value, source: 'metric' as const } : configured !== undefined ? { value: configured, source: 'config' as const } : null;
    const entry: MetricCapacity = { metric, stepMs, history: { times, values }, limit, exhaustion: null };
    if (values.length < minimumPoints(stepMs)) {
      entry.skipped = `needs ${minimumPoints(stepMs)} steps (three days) of history, has ${values.length}`;
      out.push(entry);
      continue;
    }
    const f = forecastSeries(values, stepMs, horizon, { intervalLevel: settings.intervalLevel });
    const lastMs = times[times.length - 1];
    entry.forecast = {
      model: f.model,
      seasonLength: f.seasonLength,
      holdoutSmape: f.holdoutSmape,
      times: f.values.map((_, i) => lastMs + (i + 1) * stepMs),
      values: f.values,
      lower: f.lower,
      upper: f.upper,
    };
    if (limit) {
      const e = exhaustion(values[values.length - 1], f, limit.value);
      const at = (step: number | null) => (step === null ? null : lastMs + step * stepMs);
      entry.exhaustion = { exceeded: e.exceeded, atMs: at(e.step), earliestMs: at(e.earliestStep), latestMs: at(e.latestStep) };
    }
    out.push(entry);
  }
  return out;
}
