import { queries, type Store } from '../../analytics/index.js';
import { backtestSeries, fillGaps, type BacktestResult } from '../../detectors/forecast/index.js';
import type { CapacitySettings } from './settings.js';

export interface CapacityBacktestSeries extends BacktestResult {
  service: string;
  metric: string;
  points: number;
}

export interface CapacityBacktest {
  series: CapacityBacktestSeries[];
  /** Series too short for one fold, with the reason. */
  skipped: Array<{ service: string; metric: string; reason: string }>;
  /** Mean over series (fractions). */
  smape: number | null;
  mape: number | null;
}

/**
 * Rolling-origin backtest of the capacity forecaster on stored metrics in [since, until): every
 * gauge/sum series of the services (all, or one) is cut at `folds` origins one horizon apart.
 */
export async function backtestCapacity(
  store: Store,
  q: { sinceMs: number; untilMs: number; service?: string; metric?: string; horizonMs: number; folds: number },
  settings: CapacitySettings,
): Promise<CapacityBacktest> {
  const { stepMs } = settings;
  const services = q.service ? [q.service] : await queries.metricServices(store, { fromMs: q.sinceMs, untilMs: q.untilMs });
  const horizon = Math.max(1, Math.round(q.horizonMs / stepMs));
  const series: CapacityBacktestSeries[] = [];
  const skipped: CapacityBacktest['skipped'] = [];
  for (const service of services) {
    const points = await queries.metricSteps(store, { service, fromMs: q.sinceMs, untilMs: q.untilMs, stepSeconds: stepMs / 1000, metrics: q.metric ? [q.metric] : undefined });
    const byMetric = new Map<string, Array<{ timeMs: number; value: number }>>();
    for (const p of points) {
      if (p.metric.endsWith('.limit')) continue;
      let list = byMetric.get(p.metric);
      if (!list) byMetric.set(p.metric, (list = []));
      list.push(p);
    }
    for (const [metric, list] of [...byMetric].sort(([a], [b]) => a.localeCompare(b))) {
      const { values } = fillGaps(list, stepMs);
      const result = backtestSeries(values, stepMs, horizon, q.folds, { intervalLevel: settings.intervalLevel });
      if (result.folds.length === 0) skipped.push({ service, metric, reason: `${values.length} steps: too short for three days of history before a fold` });
      else series.push({ service, metric, points: values.length, ...result });
    }
  }
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return { series, skipped, smape: mean(series.map((s) => s.smape)), mape: mean(series.map((s) => s.mape).filter((m): m is number => m !== null)) };
}
