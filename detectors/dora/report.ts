import { changeFailureRateBand, deploymentFrequencyBand, leadTimeBand, overallBand, recoveryTimeBand, type Band } from './bands.js';
import type { DeploymentOutcome } from './outcomes.js';

/**
 * The four DORA keys over the deployments of a range: deployment frequency, lead time for
 * changes (median, merge → deploy), change failure rate, failed deployment recovery time
 * (median) — overall, per service, per team and per ISO week (Monday, UTC), with bands.
 */
export interface DoraMetrics {
  deployments: number;
  deploymentFrequency: { perDay: number; perWeek: number; band: Band | null };
  leadTime: { changes: number; medianHours: number | null; band: Band | null };
  changeFailureRate: { failedDeployments: number; rate: number | null; band: Band | null };
  recoveryTime: { recovered: number; unrecovered: number; medianHours: number | null; band: Band | null };
  /** The weakest band among the metrics with data. */
  band: Band | null;
}

export interface DoraWeek {
  weekStartMs: number;
  deployments: number;
  failedDeployments: number;
  changeFailureRate: number | null;
  leadTimeMedianHours: number | null;
  recoveryMedianHours: number | null;
}

export interface DoraReport {
  overall: DoraMetrics;
  services: Array<{ service: string; team: string } & DoraMetrics>;
  teams: Array<{ team: string } & DoraMetrics>;
  weekly: DoraWeek[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: Monday-aligned weeks start 4 days after the epoch. */
const MONDAY_OFFSET_MS = 4 * DAY_MS;

export function doraReport(outcomes: readonly DeploymentOutcome[], range: { sinceMs: number; untilMs: number }): DoraReport {
  const inRange = outcomes.filter((d) => d.timeMs >= range.sinceMs && d.timeMs < range.untilMs);
  const days = (range.untilMs - range.sinceMs) / DAY_MS;
  const services = [...groupBy(inRange, (d) => d.service)].map(([service, list]) => ({ service, team: mostCommon(list.map((d) => d.team)), ...metrics(list, days) }));
  const teams = [...groupBy(inRange.filter((d) => d.team !== ''), (d) => d.team)].map(([team, list]) => ({ team, ...metrics(list, days) }));
  const weekly = [...groupBy(inRange, (d) => String(weekStart(d.timeMs)))].map(([week, list]) => {
    const m = metrics(list, 7);
    return {
      weekStartMs: Number(week),
      deployments: m.deployments,
      failedDeployments: m.changeFailureRate.failedDeployments,
      changeFailureRate: m.changeFailureRate.rate,
      leadTimeMedianHours: m.leadTime.medianHours,
      recoveryMedianHours: m.recoveryTime.medianHours,
    };
  });
  return {
    overall: metrics(inRange, days),
    services: services.sort((a, b) => a.service.localeCompare(b.service)),
    teams: teams.sort((a, b) => a.team.localeCompare(b.team)),
    weekly: weekly.sort((a, b) => a.weekStartMs - b.weekStartMs),
  };
}

function metrics(list: readonly DeploymentOutcome[], days: number): DoraMetrics {
  const perDay = list.length / days;
  const leadTimes = list.flatMap((d) => d.leadTimesMs);
  const failed = list.filter((d) => d.failed);
  const recoveries = failed.filter((d) => d.restoredAtMs > 0).map((d) => d.restoredAtMs - d.failedAtMs);
  const leadMedian = median(leadTimes);
  const recoveryMedian = median(recoveries);
  const rate = list.length > 0 ? failed.length / list.length : null;
  const bands = {
    frequency: list.length > 0 ? deploymentFrequencyBand(perDay) : null,
    lead: leadMedian === null ? null : leadTimeBand(leadMedian),
    failure: rate === null ? null : changeFailureRateBand(rate),
    recovery: recoveryMedian === null ? null : recoveryTimeBand(recoveryMedian),
  };
  return {
    deployments: list.length,
    deploymentFrequency: { perDay, perWeek: perDay * 7, band: bands.frequency },
    leadTime: { changes: leadTimes.length, medianHours: hours(leadMedian), band: bands.lead },
    changeFailureRate: { failedDeployments: failed.length, rate, band: bands.failure },
    recoveryTime: { recovered: recoveries.length, unrecovered: failed.length - recoveries.length, medianHours: hours(recoveryMedian), band: bands.recovery },
    band: overallBand([bands.frequency, bands.lead, bands.failure, bands.recovery]),
  };
}

/** Start of the ISO week (Monday 00:00 UTC) holding `ms`. */
export function weekStart(ms: number): number {
  return Math.floor((ms - MONDAY_OFFSET_MS) / WEEK_MS) * WEEK_MS + MONDAY_OFFSET_MS;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const hours = (ms: number | null) => (ms === null ? null : ms / HOUR_MS);

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = '';
  for (const [v, n] of counts) if (n > (counts.get(best) ?? 0)) best = v;
  return best;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) (out.get(key(item)) ?? out.set(key(item), []).get(key(item))!).push(item);
  return out;
}
