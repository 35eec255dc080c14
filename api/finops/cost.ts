import { queries, type Store } from '../../analytics/index.js';
import { createDetector, step } from '../../detectors/metrics/index.js';
import type { CostSettings } from './settings.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface CostSeries {
  key: string;
  currency: string;
  total: number;
  /** One entry per day of the range (0 on days without records). */
  days: Array<{ dayMs: number; cost: number }>;
}

export interface CostAnomaly {
  key: string;
  currency: string;
  dayMs: number;
  cost: number;
  expected: number;
  lower: number;
  upper: number;
  score: number;
}

export interface CostReport {
  groups: CostSeries[];
  anomalies: CostAnomaly[];
  totals: Array<{ currency: string; total: number }>;
}

/**
 * Cost per group and day in [since, until) (whole UTC days), and cost anomalies: each group's
 * daily cost runs through the online detector (windowed z-score over `cost.anomalyWindowDays`,
 * warmed on the days before the range) and a day scoring at least `cost.anomalyThreshold`
 * after `cost.anomalyMinDays` of history is marked.
 */
export async function costReport(store: Store, q: { sinceMs: number; untilMs: number; groupBy: queries.CostGroup }, settings: CostSettings): Promise<CostReport> {
  const sinceDay = Math.floor(q.sinceMs / DAY_MS) * DAY_MS;
  const untilDay = Math.ceil(q.untilMs / DAY_MS) * DAY_MS;
  const warmupFrom = sinceDay - settings.anomalyWindowDays * DAY_MS;
  const rows = await queries.dailyCosts(store, { fromMs: warmupFrom, untilMs: untilDay, groupBy: q.groupBy });
  const series = new Map<string, Map<number, number>>();
  for (const r of rows) {
    const id = JSON.stringify([r.key, r.currency]);
    let days = series.get(id);
    if (!days) series.set(id, (days = new Map()));
    days.set(r.dayMs, (days.get(r.dayMs) ?? 0) + r.cost);
  }
  const groups: CostSeries[] = [];
  const anomalies: CostAnomaly[] = [];
  for (const [id, days] of series) {
    const [key, currency] = JSON.parse(id) as [string, string];
    const firstDay = Math.min(...days.keys());
    const detector = createDetector({ detector: 'zscore', zscore: { windowSize: settings.anomalyWindowDays } });
    const inRange: CostSeries['days'] = [];
    let seen = 0;
    for (let day = firstDay; day < untilDay; day += DAY_MS) {
      const cost = days.get(day) ?? 0;
      const r = step(detector, day, cost);
      seen++;
      if (day < sinceDay) continue;
      inRange.push({ dayMs: day, cost });
      if (seen > settings.anomalyMinDays && r.score >= settings.anomalyThreshold) {
        anomalies.push({ key, currency, dayMs: day, cost, expected: r.expected, lower: r.lower, upper: r.upper, score: r.score });
      }
    }
    if (inRange.length === 0) continue;
    const total = inRange.reduce((s, d) => s + d.cost, 0);
    if (total === 0 && !inRange.some((d) => days.has(d.dayMs))) continue;
    const padded: CostSeries['days'] = [];
    for (let day = sinceDay; day < untilDay; day += DAY_MS) padded.push({ dayMs: day, cost: days.get(day) ?? 0 });
    groups.push({ key, currency, total, days: padded });
  }
  groups.sort((a, b) => b.total - a.total);
  anomalies.sort((a, b) => a.dayMs - b.dayMs || b.score - a.score);
  const totals = new Map<string, number>();
  for (const g of groups) totals.set(g.currency, (totals.get(g.currency) ?? 0) + g.total);
  return { groups, anomalies, totals: [...totals].map(([currency, total]) => ({ currency, total })) };
}

export interface IncidentCost {
  startMs: number;
  endMs: number;
  durationHours: number;
  services: Array<{ service: string; currency: string; ratePerHour: number; cost: number }>;
  totals: Array<{ currency: string; total: number }>;
}

/**
 * What an incident window cost: for each affected service, its cost rate over the
 * `cost.incidentRateDays` before the incident (total ÷ hours) times the incident's duration
 * (start to resolution, or to `nowMs` while it lasts).
 */
export async function incidentCost(store: Store, incident: Pick<queries.IncidentRecord, 'services' | 'startMs' | 'resolvedMs'>, settings: CostSettings, nowMs: number): Promise<IncidentCost> {
  const endMs = incident.resolvedMs ?? nowMs;
  const durationHours = Math.max(0, endMs - incident.startMs) / HOUR_MS;
  const rateHours = settings.incidentRateDays * 24;
  const startDay = Math.floor(incident.startMs / DAY_MS) * DAY_MS;
  const rows = await queries.dailyCosts(store, { fromMs: startDay - settings.incidentRateDays * DAY_MS, untilMs: startDay, groupBy: 'service', keys: incident.services });
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(JSON.stringify([r.key, r.currency]), (sums.get(JSON.stringify([r.key, r.currency])) ?? 0) + r.cost);
  const services = [...sums].map(([id, sum]) => {
    const [service, currency] = JSON.parse(id) as [string, string];
    const ratePerHour = sum / rateHours;
    return { service, currency, ratePerHour, cost: ratePerHour * durationHours };
  });
  const totals = new Map<string, number>();
  for (const s of services) totals.set(s.currency, (totals.get(s.currency) ?? 0) + s.cost);
  return { startMs: incident.startMs, endMs, durationHours, services, totals: [...totals].map(([currency, total]) => ({ currency, total })) };
}
