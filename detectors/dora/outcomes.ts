/**
 * What happened to each deployment, from the events around it: which merged changes it
 * shipped (lead time), whether it failed (change failure rate) and when service was
 * restored (failed deployment recovery time). Pure: the caller fetches the rows.
 *
 * - A change belongs to the first deployment that lists its change id or commit in
 *   `changes`; a deployment that lists none ships every change of its service merged
 *   before it and not shipped yet (it deploys the head of the branch).
 * - A failure (an incident on the service — Vigil's own or reported as a CDEvent — or a
 *   rollback) is charged to the service's latest deployment before it, when it comes within
 *   `failureWindowMs` of that deployment.
 * - A failed deployment is restored at the earliest of: an incident charged to it resolved,
 *   a rollback, the service's next deployment (a roll-forward). It failed when its first
 *   charged incident started, or when it was deployed if only a rollback marks it.
 */
export interface Deployment {
  /** `source/id` of the event. */
  ref: string;
  timeMs: number;
  service: string;
  team: string;
  /** Change ids or commits shipped, when the sender lists them. */
  changes: readonly string[];
}

export interface MergedChange {
  changeId: string;
  commit: string;
  timeMs: number;
  service: string;
}

export interface Failure {
  kind: 'incident' | 'reported-incident' | 'rollback';
  ref: string;
  services: readonly string[];
  startMs: number;
  /** 0 while unresolved (rollbacks restore at startMs). */
  resolvedMs: number;
}

export interface DeploymentOutcome extends Deployment {
  /** Lead time of each change this deployment shipped. */
  leadTimesMs: number[];
  failed: boolean;
  failureRefs: string[];
  /** When the failure began (0 when not failed). */
  failedAtMs: number;
  /** When service was restored (0 when not failed or not yet restored). */
  restoredAtMs: number;
}

export function deploymentOutcomes(
  deployments: readonly Deployment[],
  merges: readonly MergedChange[],
  failures: readonly Failure[],
  failureWindowMs: number,
): DeploymentOutcome[] {
  const ordered = [...deployments].sort((a, b) => a.timeMs - b.timeMs || a.ref.localeCompare(b.ref));
  const outcomes: DeploymentOutcome[] = ordered.map((d) => ({ ...d, leadTimesMs: [], failed: false, failureRefs: [], failedAtMs: 0, restoredAtMs: 0 }));
  const byService = groupBy(outcomes, (o) => o.service);
  assignChanges(byService, merges);
  const charged = chargeFailures(byService, failures, failureWindowMs);
  for (const list of byService.values()) {
    list.forEach((d, i) => {
      const mine = charged.get(d);
      if (!mine) return;
      const incidents = mine.filter((f) => f.kind !== 'rollback');
      d.failed = true;
      d.failureRefs = mine.map((f) => f.ref);
      d.failedAtMs = incidents.length > 0 ? Math.min(...incidents.map((f) => f.startMs)) : d.timeMs;
      const restores = [
        ...incidents.filter((f) => f.resolvedMs > 0).map((f) => f.resolvedMs),
        ...mine.filter((f) => f.kind === 'rollback').map((f) => f.startMs),
        ...(list[i + 1] ? [list[i + 1].timeMs] : []),
      ].filter((t) => t >= d.failedAtMs);
      d.restoredAtMs = restores.length > 0 ? Math.min(...restores) : 0;
    });
  }
  return outcomes;
}

function assignChanges(byService: Map<string, DeploymentOutcome[]>, merges: readonly MergedChange[]): void {
  const unshipped = new Set(merges);
  const byKey = new Map<string, MergedChange[]>();
  for (const m of merges) {
    for (const key of [m.changeId, m.commit]) if (key) (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(m);
  }
  const mergesByService = groupBy([...merges].sort((a, b) => a.timeMs - b.timeMs), (m) => m.service);
  const all = [...byService.values()].flat().sort((a, b) => a.timeMs - b.timeMs);
  for (const d of all) {
    const shipped = d.changes.length > 0 ? d.changes.flatMap((key) => byKey.get(key) ?? []) : (mergesByService.get(d.service) ?? []);
    for (const m of shipped) {
      if (!unshipped.has(m) || m.timeMs > d.timeMs) continue;
      unshipped.delete(m);
      d.leadTimesMs.push(d.timeMs - m.timeMs);
    }
  }
}

function chargeFailures(byService: Map<string, DeploymentOutcome[]>, failures: readonly Failure[], windowMs: number): Map<DeploymentOutcome, Failure[]> {
  const charged = new Map<DeploymentOutcome, Failure[]>();
  for (const f of failures) {
    for (const service of new Set(f.services)) {
      const list = byService.get(service);
      if (!list) continue;
      const d = latestAtOrBefore(list, f.startMs, f.kind === 'rollback');
      if (!d || f.startMs - d.timeMs > windowMs) continue;
      (charged.get(d) ?? charged.set(d, []).get(d)!).push(f);
    }
  }
  return charged;
}

/** The last deployment at or before `t` (strictly before for a rollback, which follows its deployment). */
function latestAtOrBefore(list: readonly DeploymentOutcome[], t: number, strict: boolean): DeploymentOutcome | undefined {
  let found: DeploymentOutcome | undefined;
  for (const d of list) {
    if (strict ? d.timeMs >= t : d.timeMs > t) break;
    found = d;
  }
  return found;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) (out.get(key(item)) ?? out.set(key(item), []).get(key(item))!).push(item);
  return out;
}
