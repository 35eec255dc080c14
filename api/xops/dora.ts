import { queries, type Store } from '../../analytics/index.js';
import { deploymentOutcomes, doraReport, type DeploymentOutcome, type DoraReport } from '../../detectors/dora/index.js';
import type { DoraSettings } from './settings.js';

/**
 * Deployment outcomes for deployments in [from, until), from what the store knew before
 * `until`: earlier deployments (one failure window back) are read too, so a failure is
 * charged to the right deployment, and merges up to the lead-time lookback.
 */
export async function loadOutcomes(store: Store, range: { fromMs: number; untilMs: number; services?: string[] }, settings: DoraSettings): Promise<DeploymentOutcome[]> {
  const { untilMs, services } = range;
  const environments = settings.environments;
  const [deployments, merges, rollbacks, incidents] = await Promise.all([
    queries.deploymentRecords(store, { fromMs: range.fromMs - settings.failureWindowMs, untilMs, services, environments }),
    queries.mergeRecords(store, { fromMs: range.fromMs - settings.leadTimeLookbackMs, untilMs, services }),
    queries.rollbackRecords(store, { fromMs: range.fromMs, untilMs, services, environments }),
    queries.incidentRecords(store, { fromMs: range.fromMs, untilMs, services, environments }),
  ]);
  const outcomes = deploymentOutcomes(
    deployments,
    merges,
    [
      ...incidents.map((i) => ({ kind: i.source === 'vigil' ? ('incident' as const) : ('reported-incident' as const), ref: i.ref, services: i.services, startMs: i.startMs, resolvedMs: i.resolvedMs })),
      ...rollbacks.map((r) => ({ kind: 'rollback' as const, ref: r.ref, services: [r.service], startMs: r.timeMs, resolvedMs: r.timeMs })),
    ],
    settings.failureWindowMs,
  );
  return outcomes.filter((o) => o.timeMs >= range.fromMs);
}

export interface DoraQuery {
  sinceMs: number;
  untilMs: number;
  service?: string;
  team?: string;
}

/** DORA's four keys for a range, optionally one service's or one team's. */
export async function doraFor(store: Store, q: DoraQuery, settings: DoraSettings): Promise<DoraReport> {
  const outcomes = await loadOutcomes(store, { fromMs: q.sinceMs, untilMs: q.untilMs, services: q.service ? [q.service] : undefined }, settings);
  return doraReport(q.team ? outcomes.filter((o) => o.team === q.team) : outcomes, q);
}
