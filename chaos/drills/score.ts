import type { DrillFault, DrillSpec } from './spec.js';

/**
 * Scoring a drill from what was recorded while it ran: pure, so a stored drill can be
 * rescored and every number in a report traces back to recorded events. Wall-clock gaps
 * are turned into event-time seconds with the drill's speed (at speed 1 they are equal).
 */
export interface SeenAnomaly {
  id: string;
  service: string;
  signal: string;
  seriesKey: string;
  /** Wall time it first arrived on Vigil's live stream. */
  wallMs: number;
  peakScore: number;
}

export interface SeenIncident {
  id: string;
  transition: string;
  status: string;
  services: string[];
  rootService: string;
  suspects: Array<{ kind: string; name: string; service: string; rank: number; confidence: number; explanation: string }>;
  wallMs: number;
}

export interface SeenNotification {
  incidentId: string;
  channel: string;
  transition: string;
  status: string;
  /** Wall time the delivery was confirmed. */
  deliveredWallMs: number;
}

export interface RecordedFault {
  spec: DrillFault;
  /** Event times of the window. */
  startMs: number;
  endMs: number;
  wallStartMs?: number;
  wallEndMs?: number;
  dropped: Record<string, number>;
}

export interface DrillRecording {
  speed: number;
  liveWallStartMs: number;
  endWallMs: number;
  faults: RecordedFault[];
  anomalies: SeenAnomaly[];
  incidents: SeenIncident[];
  notifications: SeenNotification[];
  canary: { enabled: boolean; sent: number; droppedOnPurpose: number; stored: number };
  aborted?: string;
}

export interface FaultScore {
  fault: string;
  service: string;
  type: string;
  detected: boolean;
  /** Fault start → first anomaly on a service in the blast radius (event-time seconds). */
  timeToDetectSeconds: number | null;
  firstAnomaly: { id: string; service: string; signal: string; seriesKey: string } | null;
  timeToIncidentSeconds: number | null;
  incidentId: string | null;
  timeToPageSeconds: number | null;
  /** Rank of the expected root cause among the incident's suspects (1 = first); null when absent. */
  rootCauseRank: number | null;
  topSuspect: string | null;
  /** Fault end → incident resolved (event-time seconds); null when it had not resolved by the end. */
  recoverySeconds: number | null;
}

export interface DrillScore {
  faults: FaultScore[];
  falseAlarms: Array<{ id: string; service: string; signal: string; seriesKey: string }>;
  /**
   * Canary accounting: `missing` = numbered records generated but not stored; `lost` = the
   * part of them that was sent (and acknowledged) yet not stored — data loss proper.
   */
  dataLoss: { generated: number; sent: number; droppedOnPurpose: number; stored: number; missing: number; lost: number } | null;
  /** 0..100, see scoreDrill. */
  score: number;
  passed: boolean;
  /** Expectations not met, in words. */
  failures: string[];
}

const PAGE_TRANSITIONS = new Set(['opened', 'reopened']);

export function scoreDrill(spec: DrillSpec, rec: DrillRecording): DrillScore {
  const blast = new Set(spec.blastRadius);
  const seconds = (fromWallMs: number, toWallMs: number) => Math.max(0, ((toWallMs - fromWallMs) * rec.speed) / 1000);
  const firstSeen = new Map<string, SeenAnomaly>();
  for (const a of [...rec.anomalies].sort((x, y) => x.wallMs - y.wallMs)) if (!firstSeen.has(a.id)) firstSeen.set(a.id, a);
  const anomalies = [...firstSeen.values()].filter((a) => a.wallMs >= rec.liveWallStartMs);
  const incidents = [...rec.incidents].sort((x, y) => x.wallMs - y.wallMs);

  const faults = rec.faults.map((f): FaultScore => {
    const base: FaultScore = {
      fault: `${f.spec.type}:${f.spec.service}`,
      service: f.spec.service,
      type: f.spec.type,
      detected: false,
      timeToDetectSeconds: null,
      firstAnomaly: null,
      timeToIncidentSeconds: null,
      incidentId: null,
      timeToPageSeconds: null,
      rootCauseRank: null,
      topSuspect: null,
      recoverySeconds: null,
    };
    if (f.wallStartMs === undefined) return base; // never started (aborted before)
    const start = f.wallStartMs;
    const first = anomalies.find((a) => a.wallMs >= start && blast.has(a.service));
    if (first) {
      base.detected = true;
      base.timeToDetectSeconds = seconds(start, first.wallMs);
      base.firstAnomaly = { id: first.id, service: first.service, signal: first.signal, seriesKey: first.seriesKey };
    }
    const opened = incidents.find((m) => m.wallMs >= start && m.transition !== 'resolved' && m.services.some((s) => blast.has(s)));
    if (!opened) return base;
    base.incidentId = opened.id;
    base.timeToIncidentSeconds = seconds(start, opened.wallMs);
    const page = rec.notifications
      .filter((n) => n.incidentId === opened.id && n.status === 'delivered' && PAGE_TRANSITIONS.has(n.transition) && n.deliveredWallMs >= start)
      .sort((x, y) => x.deliveredWallMs - y.deliveredWallMs)[0];
    if (page) base.timeToPageSeconds = seconds(start, page.deliveredWallMs);
    // The ranking as it stood when the fault ended (or the last one seen): what the SRE read.
    const until = f.wallEndMs ?? rec.endWallMs;
    const views = incidents.filter((m) => m.id === opened.id);
    const view = [...views].reverse().find((m) => m.wallMs <= until) ?? views[views.length - 1];
    const ranked = [...view.suspects].sort((x, y) => x.rank - y.rank);
    base.topSuspect = ranked[0]?.name ?? null;
    const services = ranked.filter((s) => s.kind === 'service');
    const at = services.findIndex((s) => s.name === spec.expect.rootCause || s.service === spec.expect.rootCause);
    base.rootCauseRank = at >= 0 ? at + 1 : null;
    const resolved = views.find((m) => m.transition === 'resolved' && m.wallMs >= (f.wallEndMs ?? Infinity));
    if (resolved && f.wallEndMs !== undefined) base.recoverySeconds = seconds(f.wallEndMs, resolved.wallMs);
    return base;
  });

  const falseAlarms = anomalies.filter((a) => !blast.has(a.service)).map((a) => ({ id: a.id, service: a.service, signal: a.signal, seriesKey: a.seriesKey }));
  const dataLoss = rec.canary.enabled
    ? {
        generated: rec.canary.sent + rec.canary.droppedOnPurpose,
        sent: rec.canary.sent,
        droppedOnPurpose: rec.canary.droppedOnPurpose,
        stored: rec.canary.stored,
        missing: rec.canary.sent + rec.canary.droppedOnPurpose - rec.canary.stored,
        lost: Math.max(0, rec.canary.sent - rec.canary.stored),
      }
    : null;

  const failures: string[] = [];
  const x = spec.expect;
  for (const f of faults) {
    if (!f.detected) failures.push(`${f.fault}: not detected`);
    else if (f.timeToDetectSeconds! * 1000 > x.detectWithinMs) failures.push(`${f.fault}: detected after ${f.timeToDetectSeconds!.toFixed(1)} s (expected within ${x.detectWithinMs / 1000} s)`);
    if (f.timeToPageSeconds === null) failures.push(`${f.fault}: no page delivered`);
    else if (f.timeToPageSeconds * 1000 > x.pageWithinMs) failures.push(`${f.fault}: paged after ${f.timeToPageSeconds.toFixed(1)} s (expected within ${x.pageWithinMs / 1000} s)`);
    if (f.rootCauseRank !== 1) failures.push(`${f.fault}: root cause ${x.rootCause} ranked ${f.rootCauseRank ?? 'nowhere'} (top suspect: ${f.topSuspect ?? 'none'})`);
  }
  if (falseAlarms.length > x.maxFalseAlarms) failures.push(`${falseAlarms.length} false alarm(s) outside the blast radius (allowed ${x.maxFalseAlarms})`);
  if (dataLoss && dataLoss.lost > x.maxDataLoss) failures.push(`${dataLoss.lost} canary record(s) lost (allowed ${x.maxDataLoss})`);
  if (rec.aborted) failures.push(`aborted: ${rec.aborted}`);

  // Weights: detection 40, detection speed 15, paging 15, root cause 20, no false alarms 5, no data loss 5.
  const n = Math.max(1, faults.length);
  const share = (pred: (f: FaultScore) => boolean) => faults.filter(pred).length / n;
  const score =
    40 * share((f) => f.detected) +
    15 * share((f) => f.timeToDetectSeconds !== null && f.timeToDetectSeconds * 1000 <= x.detectWithinMs) +
    15 * share((f) => f.timeToPageSeconds !== null && f.timeToPageSeconds * 1000 <= x.pageWithinMs) +
    20 * share((f) => f.rootCauseRank === 1) +
    (falseAlarms.length <= x.maxFalseAlarms ? 5 : 0) +
    (!dataLoss || dataLoss.lost <= x.maxDataLoss ? 5 : 0);
  return { faults, falseAlarms, dataLoss, score: Math.round(score * 10) / 10, passed: failures.length === 0, failures };
}
