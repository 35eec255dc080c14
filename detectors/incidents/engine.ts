import { createHash } from 'node:crypto';
import type { AnomalyInput, ChangeEvent, EngineInput, EngineOptions, EngineOutput, TimelineEntry, TopologyEdge } from './model.js';
import { rankSuspects, type Ranking } from './root-cause.js';
import { canOpen, familyOf, severityOf } from './signals.js';
import { copyIncident, digestOf, titleOf } from './summary.js';
import { Topology } from './topology.js';
import type { Incident, IncidentSeverity, IncidentTransition } from './types.js';

/**
 * The incident engine: anomalies, topology snapshots, changes, event-time ticks and user
 * actions in; incident transitions and timeline entries out. Pure — no I/O, no clock:
 * event time comes from the inputs (the watermark is the latest event time seen), so
 * replayed history yields the same incidents. Grouping, lifecycle and flap suppression
 * live here; the ranking in root-cause.ts.
 *
 * An incident is *pending* from its first anomaly until the watermark is `settleMs`
 * past it (anomalies arriving meanwhile join silently), then `opened` (the page);
 * `updated` whenever its services, anomalies, severity or ranking change; resolved by a
 * user or after `quietMs` of event time with all its anomalies closed; `reopened` by a
 * related anomaly strong enough to open an incident (the reopen pages again) within
 * `reopenWindowMs` of resolution (the same id and fingerprint).
 */

const MINUTE_MS = 60_000;

interface Member extends AnomalyInput {
  open: boolean;
}

interface Tracked {
  incident: Incident;
  pending: boolean;
  settleUntilMs: number;
  members: Map<string, Member>;
  changeIds: Set<string>;
  /** Timeline entries of a pending incident, written when it opens. */
  buffered: TimelineEntry[];
  /** What an `updated` transition is about; unchanged digest, no transition. */
  digest: string;
  topSuspect: string;
  /** Since a reopen: anomalies that ended before this are history, not evidence for the new episode. */
  episodeFromMs: number;
}

/** What is kept of an incident across a restart (stored with its row). */
export interface TrackedSnapshot {
  incident: Incident;
  members: Member[];
  changeIds: string[];
  episodeFromMs?: number;
}

export class IncidentEngine {
  private watermarkMs = 0;
  private topology = new Topology();
  private readonly tracked = new Map<string, Tracked>();
  private readonly memberOf = new Map<string, string>();
  private readonly changes = new Map<string, ChangeEvent>();

  constructor(readonly options: EngineOptions) {}

  get eventTimeMs(): number {
    return this.watermarkMs;
  }

  /** Incidents that have opened (pending ones are not visible), most recent first. */
  incidents(): Incident[] {
    return [...this.tracked.values()].filter((t) => !t.pending).map((t) => copyIncident(t.incident)).sort((a, b) => b.startMs - a.startMs);
  }

  get(id: string): Incident | undefined {
    const t = this.tracked.get(id);
    return t && !t.pending ? copyIncident(t.incident) : undefined;
  }

  snapshot(id: string): TrackedSnapshot | undefined {
    const t = this.tracked.get(id);
    if (!t || t.pending) return undefined;
    return { incident: copyIncident(t.incident), members: [...t.members.values()].map((m) => ({ ...m })), changeIds: [...t.changeIds], episodeFromMs: Number.isFinite(t.episodeFromMs) ? t.episodeFromMs : undefined };
  }

  /** Continues incidents from their stored snapshots (after a restart). */
  restore(snapshots: readonly TrackedSnapshot[], changes: readonly ChangeEvent[] = []): void {
    for (const c of changes) this.changes.set(c.id, c);
    for (const s of snapshots) {
      const t: Tracked = {
        incident: copyIncident(s.incident),
        pending: false,
        settleUntilMs: s.incident.startMs,
        members: new Map(s.members.map((m) => [m.id, { ...m }])),
        changeIds: new Set(s.changeIds),
        buffered: [],
        digest: '',
        topSuspect: s.incident.suspects[0]?.name ?? '',
        episodeFromMs: s.episodeFromMs ?? -Infinity,
      };
      t.digest = digestOf(t.incident);
      this.tracked.set(t.incident.id, t);
      for (const id of t.members.keys()) this.memberOf.set(id, t.incident.id);
      this.watermarkMs = Math.max(this.watermarkMs, s.incident.updatedMs);
    }
  }

  apply(input: EngineInput): EngineOutput {
    const out: EngineOutput = { messages: [], timeline: [] };
    switch (input.kind) {
      case 'tick':
        this.advance(input.eventTimeMs);
        break;
      case 'topology':
        this.topology = new Topology(input.edges);
        this.mergePending(out, input.atMs);
        for (const t of this.tracked.values()) if (!t.pending && t.incident.status !== 'resolved') this.rerank(t, out, input.atMs);
        break;
      case 'change':
        this.onChange(input.change, out, input.atMs);
        break;
      case 'anomaly':
        this.advance(input.type === 'close' ? input.anomaly.endMs : Math.max(input.anomaly.startMs, input.anomaly.peakMs));
        this.onAnomaly(input.type, input.anomaly, out, input.atMs);
        break;
      case 'ack':
      case 'resolve':
        out.action = this.onUser(input.kind, input.incidentId, input.by, out, input.atMs);
        break;
    }
    this.sweep(out, input.atMs);
    return out;
  }

  private advance(eventTimeMs: number): void {
    if (Number.isFinite(eventTimeMs) && eventTimeMs > this.watermarkMs) this.watermarkMs = eventTimeMs;
  }

  private onAnomaly(type: 'open' | 'update' | 'close', a: AnomalyInput, out: EngineOutput, atMs: number): void {
    const knownIn = this.memberOf.get(a.id);
    if (knownIn !== undefined) {
      const t = this.tracked.get(knownIn);
      if (!t) return;
      t.members.set(a.id, { ...a, open: type !== 'close' && a.status !== 'closed' });
      if (t.pending || t.incident.status === 'resolved') return;
      this.rerank(t, out, atMs);
      return;
    }
    if (type === 'close') return;
    const mayOpen = canOpen(a, this.options.minScore);
    // Reopening pages again, like opening: an anomaly too weak to open an incident only joins a live one.
    const target = this.findIncident(a, undefined, mayOpen);
    if (target) {
      this.join(target, a, out, atMs);
      return;
    }
    if (!mayOpen) return;
    const id = createHash('sha256').update(`incident\n${a.id}`).digest('hex').slice(0, 32);
    const t: Tracked = {
      incident: {
        id,
        fingerprint: '',
        title: '',
        status: 'open',
        severity: 'info',
        services: [a.service],
        rootService: a.service,
        startMs: a.startMs,
        updatedMs: a.startMs,
        anomalyIds: [],
        suspects: [],
        version: 0,
      },
      pending: true,
      settleUntilMs: Math.max(a.startMs, this.watermarkMs) + this.options.settleMs,
      members: new Map(),
      changeIds: new Set(),
      buffered: [],
      digest: '',
      topSuspect: '',
      episodeFromMs: -Infinity,
    };
    this.tracked.set(id, t);
    this.join(t, a, out, atMs);
  }

  /**
   * A pending incident (not paged yet) that the call graph now connects to another
   * incident joins it: anomalies can arrive before the graph that relates them.
   */
  private mergePending(out: EngineOutput, atMs: number): void {
    const pending = [...this.tracked.values()].filter((t) => t.pending).sort((a, b) => b.incident.startMs - a.incident.startMs);
    for (const p of pending) {
      const members = [...p.members.values()].sort((a, b) => a.startMs - b.startMs);
      const target = members.map((m) => this.findIncident(m, p)).find((t) => t !== undefined);
      if (!target) continue;
      this.forget(p);
      for (const m of members) this.join(target, m, out, atMs, false);
      if (target.pending) continue;
      if (target.incident.status === 'resolved') this.reopen(target, members[0], out, atMs);
      else this.rerank(target, out, atMs);
    }
  }

  /** The incident an anomaly belongs to: close in event time and on the call graph, nearest first. */
  private findIncident(a: AnomalyInput, except?: Tracked, mayReopen = true): Tracked | undefined {
    let best: { t: Tracked; hops: number } | undefined;
    for (const t of this.tracked.values()) {
      if (t === except || (except && t.pending && t.incident.startMs > except.incident.startMs)) continue;
      if (!mayReopen && t.incident.status === 'resolved') continue;
      const firstMs = t.incident.startMs - this.options.groupWindowMs;
      const lastMs = t.incident.status === 'resolved' ? (t.incident.resolvedMs ?? 0) + this.options.reopenWindowMs : lastEvidenceMs(t, this.watermarkMs) + this.options.groupWindowMs;
      if (a.startMs < firstMs || a.startMs > lastMs) continue;
      const hops = this.topology.hops(a.service, new Set(t.incident.services), this.options.maxHops);
      if (hops === Infinity) continue;
      const better = !best || hops < best.hops || (hops === best.hops && (rankStatus(t) < rankStatus(best.t) || (rankStatus(t) === rankStatus(best.t) && t.incident.startMs > best.t.incident.startMs)));
      if (better) best = { t, hops };
    }
    return best?.t;
  }

  private join(t: Tracked, a: AnomalyInput, out: EngineOutput, atMs: number, announce = true): void {
    t.members.set(a.id, { ...a, open: 'open' in a ? (a as Member).open : a.status !== 'closed' });
    this.memberOf.set(a.id, t.incident.id);
    this.entry(t, out, { timeMs: a.startMs, kind: 'anomaly-joined', ref: a.id, message: `${a.signal} anomaly on ${a.service} "${a.name}" (score ${a.peakScore.toFixed(2)})`, attributes: { signal: a.signal, service: a.service, seriesKey: a.seriesKey } });
    if (t.pending || !announce) {
      if (!t.incident.services.includes(a.service)) t.incident.services.push(a.service);
      return;
    }
    if (t.incident.status === 'resolved') this.reopen(t, a, out, atMs);
    else this.rerank(t, out, atMs);
  }

  /**
   * The same incident again (its id and fingerprint, so the pager sees a recurrence, not a
   * new problem), ranked on the new episode's evidence: anomalies that ended before the
   * resolution stay in its history but no longer point at a root cause.
   */
  private reopen(t: Tracked, a: AnomalyInput, out: EngineOutput, atMs: number): void {
    t.episodeFromMs = t.incident.resolvedMs ?? this.watermarkMs;
    Object.assign(t.incident, { status: 'open' as const, severity: 'info' as const, resolvedMs: undefined, resolvedBy: undefined, acknowledgedMs: undefined, acknowledgedBy: undefined });
    this.rerank(t, out, atMs, 'reopened');
    this.entry(t, out, { timeMs: this.watermarkMs, kind: 'reopened', ref: a.id, message: `Reopened: ${a.signal} on ${a.service} within ${Math.round(this.options.reopenWindowMs / MINUTE_MS)} min of resolution`, attributes: {} });
  }

  private onChange(change: ChangeEvent, out: EngineOutput, atMs: number): void {
    if (this.changes.has(change.id)) return;
    this.changes.set(change.id, change);
    for (const t of this.tracked.values()) if (!t.pending && t.incident.status !== 'resolved') this.rerank(t, out, atMs);
  }

  private onUser(action: 'ack' | 'resolve', id: string, by: string, out: EngineOutput, atMs: number): EngineOutput['action'] {
    const t = this.tracked.get(id);
    if (!t || t.pending) return { error: 'not-found', message: `incident ${id} is not open, acknowledged or recently resolved` };
    const inc = t.incident;
    if (action === 'ack') {
      if (inc.status === 'resolved') return { error: 'invalid-transition', message: `incident ${id} is resolved; only an open incident can be acknowledged` };
      if (inc.status === 'acknowledged') return { incident: copyIncident(inc) };
      Object.assign(inc, { status: 'acknowledged' as const, acknowledgedMs: this.watermarkMs, acknowledgedBy: by });
      this.transition(t, 'acknowledged', out, atMs);
      this.entry(t, out, { timeMs: this.watermarkMs, kind: 'acknowledged', ref: by, message: `Acknowledged by ${by}`, attributes: {} });
      return { incident: copyIncident(inc) };
    }
    if (inc.status === 'resolved') return { incident: copyIncident(inc) };
    this.resolve(t, this.watermarkMs, by, out, atMs);
    return { incident: copyIncident(inc) };
  }

  private resolve(t: Tracked, timeMs: number, by: string, out: EngineOutput, atMs: number): void {
    Object.assign(t.incident, { status: 'resolved' as const, resolvedMs: timeMs, resolvedBy: by });
    this.transition(t, 'resolved', out, atMs);
    const why = by === AUTO_RESOLVER ? `Resolved: no open anomaly for ${Math.round(this.options.quietMs / 1000)} s of event time` : `Resolved by ${by}`;
    this.entry(t, out, { timeMs, kind: 'resolved', ref: by, message: why, attributes: {} });
  }

  /** Opens settled incidents, resolves quiet ones, forgets those past their reopen window and old changes. */
  private sweep(out: EngineOutput, atMs: number): void {
    const wm = this.watermarkMs;
    if ([...this.tracked.values()].some((t) => t.pending && wm >= t.settleUntilMs)) this.mergePending(out, atMs);
    for (const t of [...this.tracked.values()]) {
      const inc = t.incident;
      if (t.pending) {
        if (wm >= t.settleUntilMs) this.open(t, out, atMs);
        continue;
      }
      if (inc.status === 'resolved') {
        if (wm > (inc.resolvedMs ?? 0) + this.options.reopenWindowMs) this.forget(t);
        continue;
      }
      const quietSinceMs = lastEvidenceMs(t, wm);
      if ([...t.members.values()].every((m) => !m.open) && wm >= quietSinceMs + this.options.quietMs) this.resolve(t, quietSinceMs + this.options.quietMs, AUTO_RESOLVER, out, atMs);
    }
    const keepMs = wm - this.options.changeLookbackMs - this.options.groupWindowMs - this.options.reopenWindowMs;
    for (const [id, c] of this.changes) if (c.timeMs < keepMs) this.changes.delete(id);
  }

  private open(t: Tracked, out: EngineOutput, atMs: number): void {
    t.pending = false;
    const ranking = this.rank(t);
    this.applyRanking(t, ranking);
    const root = [...t.members.values()].filter((m) => m.service === t.incident.rootService).sort((a, b) => b.peakScore - a.peakScore)[0] ?? [...t.members.values()][0];
    t.incident.fingerprint = createHash('sha256').update(`${t.incident.rootService}\n${familyOf(root)}`).digest('hex').slice(0, 32);
    this.transition(t, 'opened', out, atMs);
    out.timeline.push(...t.buffered.splice(0));
    this.entry(t, out, { timeMs: this.watermarkMs, kind: 'opened', ref: t.incident.fingerprint, message: `Opened: ${t.incident.title}`, attributes: { severity: t.incident.severity } });
    this.noteRanking(t, ranking, out);
  }

  private rerank(t: Tracked, out: EngineOutput, atMs: number, transition: IncidentTransition = 'updated'): void {
    const ranking = this.rank(t);
    this.applyRanking(t, ranking);
    if (transition === 'updated' && digestOf(t.incident) === t.digest) return;
    this.transition(t, transition, out, atMs);
    this.noteRanking(t, ranking, out);
  }

  private rank(t: Tracked): Ranking {
    const anomalies = evidenceOf(t);
    const firstMs = Math.min(...anomalies.map((a) => a.startMs));
    const changes = [...this.changes.values()].filter((c) => c.timeMs >= firstMs - this.options.changeLookbackMs && c.timeMs <= lastEvidenceMs(t, this.watermarkMs));
    return rankSuspects({ anomalies, topology: this.topology, changes, changeLookbackMs: this.options.changeLookbackMs });
  }

  private applyRanking(t: Tracked, r: Ranking): void {
    const inc = t.incident;
    const all = [...t.members.values()];
    const anomalies = evidenceOf(t);
    inc.suspects = r.suspects;
    inc.services = r.services;
    inc.rootService = r.rootService;
    inc.anomalyIds = all.map((a) => a.id).sort();
    inc.startMs = Math.min(...all.map((a) => a.startMs));
    // Severity only escalates: an early score revised down by the closed minute does not de-escalate a page.
    const severity = severityOf(anomalies, r.services.length, this.options.minScore);
    if (SEVERITY_ORDER.indexOf(severity) < SEVERITY_ORDER.indexOf(inc.severity)) inc.severity = severity;
    inc.title = titleOf(inc, anomalies);
  }

  private noteRanking(t: Tracked, r: Ranking, out: EngineOutput): void {
    for (const id of r.changeIds) {
      if (t.changeIds.has(id)) continue;
      t.changeIds.add(id);
      const c = this.changes.get(id)!;
      this.entry(t, out, { timeMs: c.timeMs, kind: 'change', ref: id, message: c.summary, attributes: { service: c.service, changeKind: c.kind, type: c.type } });
    }
    const top = r.suspects[0];
    if (top && top.name !== t.topSuspect) {
      t.topSuspect = top.name;
      this.entry(t, out, { timeMs: this.watermarkMs, kind: 'suspects-ranked', ref: top.ref ?? top.name, message: `Top suspect: ${top.kind} ${top.name} (confidence ${top.confidence})`, attributes: { suspects: r.suspects.slice(0, 5).map((s) => `${s.rank}. ${s.kind} ${s.name} ${s.confidence}`).join('; ') } });
    }
  }

  private transition(t: Tracked, transition: IncidentTransition, out: EngineOutput, atMs: number): void {
    t.incident.version++;
    t.incident.updatedMs = Math.max(this.watermarkMs, t.incident.startMs);
    t.digest = digestOf(t.incident);
    out.messages.push({ transition, incident: copyIncident(t.incident), atMs });
  }

  private entry(t: Tracked, out: EngineOutput, e: Omit<TimelineEntry, 'incidentId'>): void {
    const entry = { incidentId: t.incident.id, ...e };
    if (t.pending) t.buffered.push(entry);
    else out.timeline.push(entry);
  }

  private forget(t: Tracked): void {
    this.tracked.delete(t.incident.id);
    for (const id of t.members.keys()) this.memberOf.delete(id);
  }
}

const SEVERITY_ORDER: readonly IncidentSeverity[] = ['critical', 'error', 'warning', 'info'];

/** Who resolves an incident that went quiet. */
export const AUTO_RESOLVER = 'vigil';

/** The end of the latest evidence: now for an open anomaly, else the end of its last anomalous minute. */
function lastEvidenceMs(t: Tracked, watermarkMs: number): number {
  let last = t.incident.startMs;
  for (const m of t.members.values()) last = Math.max(last, m.open ? watermarkMs : m.endMs + MINUTE_MS);
  return last;
}

/** The anomalies of the current episode (all of them until the incident reopens). */
function evidenceOf(t: Tracked): Member[] {
  const all = [...t.members.values()];
  const current = all.filter((m) => m.open || m.endMs + MINUTE_MS > t.episodeFromMs);
  return current.length > 0 ? current : all;
}

/** Live incidents are preferred over resolved ones when an anomaly could join either. */
function rankStatus(t: Tracked): number {
  return t.incident.status === 'resolved' ? 1 : 0;
}

export type { TopologyEdge };
