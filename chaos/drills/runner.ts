import { randomUUID } from 'node:crypto';
import { startWorkload, type Workload } from '../workload/workload.js';
import { CANARY_SERVICE, DEFAULT_TOPOLOGY, resolveTopology, type Topology } from '../workload/topology.js';
import { TICK_MS } from '../workload/simulation.js';
import { scoreDrill, type DrillRecording, type DrillScore, type SeenAnomaly, type SeenIncident, type SeenNotification } from './score.js';
import type { DrillSpec, SteadyStateCheck } from './spec.js';

/**
 * Runs one drill: synthetic telemetry (in the names of real services, for a real target) through Vigil's real ingest path,
 * faults on schedule, Vigil's own anomalies, incidents and pages watched as they happen,
 * abort conditions checked, then a scored report. Everything Vigil-side comes through the
 * `DrillDeps` port, so the runner does not care whether it runs inside the server.
 */
export interface DrillDeps {
  /** Where the workload sends its telemetry (Vigil's receivers). */
  ingestUrl: string;
  /** Subscribes to live anomaly and incident events until the returned function is called. */
  watch(listener: { anomaly(a: SeenAnomaly): void; incident(i: SeenIncident): void }): () => void;
  /** Paging deliveries for these incidents (empty when no notifier runs). */
  notifications(incidentIds: string[]): Promise<SeenNotification[]>;
  /** The steady-state metric of a service over [fromMs, toMs) in event time; undefined without data. */
  steadyValue(check: SteadyStateCheck, fromMs: number, toMs: number): Promise<number | undefined>;
  /** Canary records stored with event time in [fromMs, toMs). */
  canaryStored(fromMs: number, toMs: number): Promise<number>;
  /** Latest event time Vigil holds for these services (0 when none): a new drill must not write into their past. */
  lastEventMs(services: string[]): Promise<number>;
  now(): number;
}

export type DrillStatus = 'pending' | 'awaiting-approval' | 'running' | 'passed' | 'failed' | 'aborted' | 'error';

export interface DrillProgress {
  wallMs: number;
  phase: string;
  message: string;
}

export interface DrillReport {
  id: string;
  name: string;
  spec: DrillSpec;
  status: DrillStatus;
  startedWallMs: number;
  endedWallMs: number;
  speed: number;
  /** Event time of the live phase, and each fault window (for charts). */
  live: { startMs: number; endMs: number };
  faults: Array<{ id: string; type: string; service: string; startMs: number; endMs: number; dropped: Record<string, number> }>;
  steadyState: Array<{ service: string; metric: string; value: number | null; holds: boolean; when: 'before' | 'abort' }>;
  score: DrillScore;
  recording: DrillRecording;
  progress: DrillProgress[];
}

export interface DrillHandle {
  id: string;
  spec: DrillSpec;
  status(): DrillStatus;
  progress(): DrillProgress[];
  /** Manual stop: faults end now, the drill is scored as aborted. */
  stop(reason?: string): void;
  done: Promise<DrillReport>;
}

/** How often abort conditions are checked (wall clock). */
const ABORT_CHECK_MS = 2_000;
/**
 * Normal traffic between a previous drill's last data and this drill's start (event time):
 * longer than the incident engine's quiet period plus its reopen window (30 min by default).
 */
const DRILL_SEPARATION_MS = 45 * 60_000;
/** After the workload ends, time for the last anomalies, incident updates and pages to land. */
const SETTLE_MS = 3_000;

function topologyFor(spec: DrillSpec): Topology {
  if (spec.target.kind === 'synthetic') return DEFAULT_TOPOLOGY;
  // A real target: a chain of its services, its telemetry sent in their names (not tagged as a drill: approval is the safeguard).
  const names = spec.target.services;
  return resolveTopology({
    entry: names[0],
    services: names.map((name, i) => ({ name, kind: 'service', calls: i + 1 < names.length ? [{ to: names[i + 1] }] : [] })),
  });
}

function holds(check: SteadyStateCheck, value: number | undefined): boolean {
  if (value === undefined) return true; // no data is not a breach (the service may be quiet)
  if (check.max !== undefined && value > check.max) return false;
  if (check.min !== undefined && value < check.min) return false;
  return true;
}

export function startDrill(spec: DrillSpec, deps: DrillDeps, options: { id?: string; onProgress?: (p: DrillProgress) => void } = {}): DrillHandle {
  const id = options.id ?? randomUUID();
  let status: DrillStatus = 'running';
  const progress: DrillProgress[] = [];
  const note = (phase: string, message: string) => {
    const p = { wallMs: deps.now(), phase, message };
    progress.push(p);
    options.onProgress?.(p);
  };
  let workload: Workload | undefined;
  let abortReason: string | undefined;
  const stop = (reason = 'stopped by request') => {
    abortReason ??= reason;
    void workload?.stop();
  };

  const done = (async (): Promise<DrillReport> => {
    const startedWallMs = deps.now();
    const topology = topologyFor(spec);
    const services = topology.services.map((s) => s.name);
    const anomalies: SeenAnomaly[] = [];
    const incidents: SeenIncident[] = [];
    const unwatch = deps.watch({ anomaly: (a) => anomalies.push(a), incident: (i) => incidents.push(i) });
    const steady: DrillReport['steadyState'] = [];
    try {
      // Never write into the past of data Vigil already has for these services (a previous
      // drill), and leave a stretch of normal traffic after it, so its incidents resolve and
      // the reopen window passes before this drill's faults: drills back to back stay apart.
      const nowMs = Math.ceil(deps.now() / 1000) * 1000;
      const lastMs = await deps.lastEventMs([...services, CANARY_SERVICE]);
      const liveStartMs = lastMs > 0 ? Math.max(nowMs, Math.ceil((lastMs + DRILL_SEPARATION_MS) / 1000) * 1000) : nowMs;
      const warmupMs = lastMs > 0 ? Math.min(spec.target.warmupMs, Math.max(0, liveStartMs - lastMs - 1000)) : spec.target.warmupMs;
      const lastFaultEndMs = Math.max(...spec.faults.map((f) => f.atMs + f.durationMs));
      const durationMs = Math.min(spec.abort.maxDurationMs, lastFaultEndMs + spec.recoveryMs);
      note('warmup', `warm-up: ${Math.round(warmupMs / 60_000)} min of history for ${services.length} services at ${spec.target.ratePerSecond} req/s`);
      workload = startWorkload({
        target: deps.ingestUrl,
        topology,
        ratePerSecond: spec.target.ratePerSecond,
        durationMs,
        warmupMs,
        speed: spec.target.speed,
        seed: spec.target.seed,
        canary: spec.canary,
        liveStartMs,
        faults: spec.faults.map((f) => ({ type: f.type, service: f.service, offsetMs: f.atMs, durationMs: f.durationMs })),
      });
      const wl = workload;
      let liveWallStartMs = deps.now();
      const warmed = new Promise<void>((resolve) => {
        wl.on('warmup-done', (e) => {
          liveWallStartMs = e.wallMs;
          resolve();
        });
      });
      wl.on('fault-start', (w) => note('fault', `fault ${w.type}:${w.service} started`));
      wl.on('fault-end', (w) => note('fault', `fault ${w.type}:${w.service} ended`));
      if (warmupMs > 0) await Promise.race([warmed, wl.done]);
      note('steady-state', 'checking steady state before the first fault');
      for (const check of spec.steadyState) {
        const value = await deps.steadyValue(check, liveStartMs - check.windowMs, liveStartMs);
        const ok = holds(check, value);
        steady.push({ service: check.service, metric: check.metric, value: value ?? null, holds: ok, when: 'before' });
        if (!ok) stop(`steady state does not hold before the drill: ${check.service} ${check.metric} = ${value}`);
      }
      const outside = spec.steadyState.filter((c) => !spec.blastRadius.includes(c.service));
      const seenIds = new Set<string>();
      const timer = setInterval(() => {
        for (const a of anomalies) {
          if (seenIds.has(a.id) || a.wallMs < liveWallStartMs) continue;
          seenIds.add(a.id);
          note('detect', `anomaly on ${a.service}: ${a.seriesKey} (score ${a.peakScore.toFixed(2)})${spec.blastRadius.includes(a.service) ? '' : ' — outside the blast radius'}`);
        }
        if (!spec.abort.onSteadyStateBreach || abortReason) return;
        const t = wl.clock().eventMs;
        void Promise.all(outside.map(async (c) => ({ c, v: await deps.steadyValue(c, t - c.windowMs, t) }))).then((results) => {
          for (const { c, v } of results) {
            if (holds(c, v)) continue;
            steady.push({ service: c.service, metric: c.metric, value: v ?? null, holds: false, when: 'abort' });
            note('abort', `steady state breached outside the blast radius: ${c.service} ${c.metric} = ${v}`);
            stop(`steady state breached outside the blast radius: ${c.service} ${c.metric} = ${v}`);
          }
        }, () => {});
      }, ABORT_CHECK_MS);
      let report;
      try {
        report = await wl.done;
      } finally {
        clearInterval(timer);
      }
      note('scoring', 'workload done; waiting for the last anomalies, incidents and pages');
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const incidentIds = [...new Set(incidents.map((i) => i.id))];
      const notifications = await deps.notifications(incidentIds);
      const stored = spec.canary ? await deps.canaryStored(report.warmup.startMs, report.live.endMs + TICK_MS) : 0;
      const recording: DrillRecording = {
        speed: spec.target.speed,
        liveWallStartMs,
        endWallMs: deps.now(),
        faults: report.faults.map((w, i) => ({
          spec: spec.faults[i],
          startMs: w.startMs,
          endMs: w.endMs,
          wallStartMs: w.wallStartMs,
          wallEndMs: w.wallEndMs,
          dropped: { ...w.dropped },
        })),
        anomalies,
        incidents,
        notifications,
        canary: { enabled: spec.canary, sent: report.canary.sent, droppedOnPurpose: report.canary.dropped, stored },
        aborted: abortReason,
      };
      const score = scoreDrill(spec, recording);
      status = abortReason ? 'aborted' : score.passed ? 'passed' : 'failed';
      note('done', `${status}: score ${score.score}${score.failures.length ? ` — ${score.failures.join('; ')}` : ''}`);
      return {
        id,
        name: spec.name,
        spec,
        status,
        startedWallMs,
        endedWallMs: deps.now(),
        speed: spec.target.speed,
        live: { startMs: report.live.startMs, endMs: report.live.endMs },
        faults: report.faults.map((w) => ({ id: w.id, type: w.type, service: w.service, startMs: w.startMs, endMs: w.endMs, dropped: { ...w.dropped } })),
        steadyState: steady,
        score,
        recording,
        progress,
      };
    } catch (err) {
      status = 'error';
      note('error', (err as Error).message);
      throw err;
    } finally {
      unwatch();
    }
  })();
  return { id, spec, status: () => status, progress: () => progress, stop, done };
}
