import { EventEmitter } from 'node:events';
import { checkFaultTarget, parseFaultSpec, planWindow, type FaultSpec, type FaultWindow } from './faults.js';
import { encodeLogs, encodeMetrics, encodeTraces } from './otlp-json.js';
import { appendBatch, emptyBatch, type TelemetryBatch } from './records.js';
import { Sender } from './sender.js';
import { Simulation, TICK_MS } from './simulation.js';
import { DEFAULT_TOPOLOGY, type Topology } from './topology.js';

export interface WorkloadOptions {
  /** Base URL of Vigil's receivers, e.g. http://127.0.0.1:4318. */
  target: string;
  topology?: Topology;
  /** Requests per simulated second into the entry service (default 5). */
  ratePerSecond?: number;
  /** Simulated length of the live phase; Infinity runs until stop(). */
  durationMs: number;
  /** Simulated history sent before the live phase, with past timestamps, as fast as ingest accepts (default 0). */
  warmupMs?: number;
  /** Simulated seconds per wall-clock second in the live phase (default 1: real time). */
  speed?: number;
  /** Same seed, same data (default 1). */
  seed?: number;
  /** `TYPE:SERVICE@OFFSET[+DURATION]` strings or specs; offsets count from the live-phase start. */
  faults?: Array<FaultSpec | string>;
  /** Send the numbered canary log stream (default false). */
  canary?: boolean;
  /** Event time the live phase starts at (default: now, to the second). */
  liveStartMs?: number;
  /** How long one batch may be retried on 429/503 or connection failures (default 120 s). */
  retryTimeoutMs?: number;
  /** Most simulated seconds in one request per signal during warm-up and catch-up (default 300). */
  maxBatchSeconds?: number;
  /** A batch closes once it holds this many spans and logs (default 25,000; Vigil's per-request limit is 100,000 items). */
  maxBatchRecords?: number;
}

export interface SentCounts {
  spans: number;
  logs: number;
  metricPoints: number;
  events: number;
  /** HTTP requests that succeeded. */
  requests: number;
}

export interface WorkloadReport {
  sent: SentCounts;
  /** Attempts retried after 429/503 or a connection failure. */
  retries: number;
  /** Items the receivers reported as rejected in partial_success (0 when all is well). */
  rejected: number;
  canary: { enabled: boolean; sent: number; dropped: number };
  /** Every fault window with its event and wall times and what it dropped. */
  faults: FaultWindow[];
  warmup: { startMs: number; endMs: number; wallMs: number };
  /** Live phase: event time it began and reached, and the wall times of both. */
  live: { startMs: number; wallStartMs: number; endMs: number; wallEndMs: number };
  /** True when stop() ended the workload before its duration. */
  stoppedEarly: boolean;
}

export interface ProgressEvent {
  phase: 'warmup' | 'live';
  /** Simulated time done and planned in this phase (Infinity for a live phase without end). */
  doneMs: number;
  totalMs: number;
  eventMs: number;
  sent: SentCounts;
}

export interface WorkloadEvents {
  'warmup-done': { eventMs: number; wallMs: number; sent: SentCounts };
  'fault-start': FaultWindow;
  'fault-end': FaultWindow;
  progress: ProgressEvent;
}

export interface Workload {
  topology: Topology;
  /** Fault windows, updated in place as they start and end. */
  faults: FaultWindow[];
  /** Event time the live phase starts at; fault offsets count from here. */
  liveStartMs: number;
  /** Resolves when the duration has run, rejects when a batch could not be delivered. */
  done: Promise<WorkloadReport>;
  /** Ends the workload after the batch in flight (active faults end now) and returns the report. */
  stop(): Promise<WorkloadReport>;
  /** Adds a fault `offsetMs` (default 0) after the current simulated time. */
  inject(fault: string | (Omit<FaultSpec, 'offsetMs'> & { offsetMs?: number })): FaultWindow;
  /** The simulated time now and the phase it is in. */
  clock(): { eventMs: number; wallMs: number; phase: 'warmup' | 'live' | 'done' };
  /** The report so far. */
  report(): WorkloadReport;
  on<K extends keyof WorkloadEvents>(event: K, listener: (payload: WorkloadEvents[K]) => void): () => void;
}

/**
 * Starts a synthetic workload against a running Vigil: warm-up history first (past
 * timestamps, as fast as ingest accepts), then the live phase at `speed`, one tick per
 * simulated second, each tick's records sent as one OTLP/JSON request per signal (ticks
 * that fell behind are sent together). Event time, not the wall clock, is what Vigil's
 * detectors see, so a compressed run looks to them like a real one.
 */
export function startWorkload(options: WorkloadOptions): Workload {
  const topology = options.topology ?? DEFAULT_TOPOLOGY;
  const canary = options.canary ?? false;
  const speed = options.speed ?? 1;
  const warmupMs = Math.ceil((options.warmupMs ?? 0) / TICK_MS) * TICK_MS;
  // Each request costs the store a commit per table, so history goes in large batches.
  const maxBatchTicks = Math.max(1, Math.round((options.maxBatchSeconds ?? 300) * 1000 / TICK_MS));
  const maxBatchRecords = options.maxBatchRecords ?? 25_000;
  if (!(speed > 0)) throw new Error(`speed must be positive, got ${speed}`);
  if (!(options.durationMs > 0)) throw new Error(`duration must be positive, got ${options.durationMs}`);
  if (!((options.ratePerSecond ?? 5) >= 0)) throw new Error(`rate must not be negative, got ${options.ratePerSecond}`);
  const liveStartMs = Math.floor((options.liveStartMs ?? Date.now()) / TICK_MS) * TICK_MS;
  const warmupStartMs = liveStartMs - warmupMs;
  const liveEndMs = liveStartMs + options.durationMs;
  const faults = (options.faults ?? []).map((f) => {
    const spec = typeof f === 'string' ? parseFaultSpec(f) : f;
    checkFaultTarget(spec, topology, canary);
    return planWindow(spec, liveStartMs);
  });
  const sim = new Simulation({ topology, seed: options.seed ?? 1, ratePerSecond: options.ratePerSecond ?? 5, originMs: warmupStartMs, canary, windows: faults });
  const sender = new Sender({ target: options.target, retryTimeoutMs: options.retryTimeoutMs });
  const emitter = new EventEmitter();
  const sent: SentCounts = { spans: 0, logs: 0, metricPoints: 0, events: 0, requests: 0 };
  const canaryCounts = { sent: 0, dropped: 0 };
  let rejected = 0;
  let nextTickMs = warmupStartMs;
  let phase: 'warmup' | 'live' | 'done' = 'warmup';
  const wallStartedMs = Date.now();
  let wallLiveStartMs = 0;
  let wallEndMs = 0;
  let stopping = false;
  let wake: () => void = () => {};

  const eventNow = () => {
    if (phase === 'warmup') return nextTickMs;
    if (phase === 'done') return nextTickMs;
    return Math.min(liveEndMs, liveStartMs + (Date.now() - wallLiveStartMs) * speed);
  };

  const report = (): WorkloadReport => ({
    sent: { ...sent },
    retries: sender.retries,
    rejected,
    canary: { enabled: canary, ...canaryCounts },
    faults: faults.map((w) => ({ ...w, dropped: { ...w.dropped } })),
    warmup: { startMs: warmupStartMs, endMs: liveStartMs, wallMs: (wallLiveStartMs || Date.now()) - wallStartedMs },
    live: { startMs: liveStartMs, wallStartMs: wallLiveStartMs, endMs: phase === 'warmup' ? liveStartMs : Math.max(liveStartMs, nextTickMs), wallEndMs },
    stoppedEarly: stopping && nextTickMs < liveEndMs,
  });

  /** Simulates ticks from nextTickMs while `more` allows, sends them, and announces fault transitions. */
  const step = async (more: (tickMs: number, ticks: number) => boolean) => {
    const batch = emptyBatch();
    const started: FaultWindow[] = [];
    const ended: FaultWindow[] = [];
    let canarySent = 0;
    for (let ticks = 0; more(nextTickMs, ticks) && batch.spans.length + batch.logs.length < maxBatchRecords; ticks++, nextTickMs += TICK_MS) {
      const result = sim.tick(nextTickMs);
      appendBatch(batch, result.batch);
      started.push(...result.started);
      ended.push(...result.ended);
      canarySent += result.canarySent;
      canaryCounts.dropped += result.canaryDropped;
    }
    const wallMs = Date.now();
    for (const w of started) {
      w.wallStartMs = wallMs;
      emitter.emit('fault-start', w);
    }
    await send(batch);
    canaryCounts.sent += canarySent;
    for (const w of ended) {
      w.wallEndMs = Date.now();
      emitter.emit('fault-end', w);
    }
  };

  const send = async (batch: TelemetryBatch) => {
    const posts: Array<Promise<void>> = [];
    const post = (path: string, contentType: string, body: string, count: number, counter: keyof SentCounts) =>
      posts.push(sender.post(path, contentType, body).then((r) => {
        rejected += r.rejected;
        sent[counter] += count;
      }));
    if (batch.spans.length > 0) post('/v1/traces', 'application/json', encodeTraces(batch.spans), batch.spans.length, 'spans');
    if (batch.logs.length > 0) post('/v1/logs', 'application/json', encodeLogs(batch.logs), batch.logs.length, 'logs');
    if (batch.metrics.length > 0) post('/v1/metrics', 'application/json', encodeMetrics(batch.metrics), batch.metrics.length, 'metricPoints');
    if (batch.events.length > 0) post('/v1/events', 'application/cloudevents-batch+json', JSON.stringify(batch.events), batch.events.length, 'events');
    await Promise.all(posts);
    sent.requests = sender.requests;
  };

  const sleepUntil = (wallMs: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, wallMs - Date.now()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const run = async (): Promise<WorkloadReport> => {
    // Start on the next turn, so listeners attached right after startWorkload() hear every event.
    await new Promise((resolve) => setImmediate(resolve));
    while (nextTickMs < liveStartMs && !stopping) {
      await step((tickMs, ticks) => tickMs < liveStartMs && ticks < maxBatchTicks);
      emitter.emit('progress', { phase: 'warmup', doneMs: nextTickMs - warmupStartMs, totalMs: warmupMs, eventMs: nextTickMs, sent: { ...sent } } satisfies ProgressEvent);
    }
    wallLiveStartMs = Date.now();
    phase = 'live';
    if (!stopping) emitter.emit('warmup-done', { eventMs: liveStartMs, wallMs: wallLiveStartMs, sent: { ...sent } });
    while (nextTickMs < liveEndMs && !stopping) {
      const due = eventNow();
      if (due < nextTickMs + TICK_MS) {
        await sleepUntil(wallLiveStartMs + (nextTickMs + TICK_MS - liveStartMs) / speed);
        continue;
      }
      await step((tickMs, ticks) => tickMs + TICK_MS <= due && tickMs < liveEndMs && ticks < maxBatchTicks);
      emitter.emit('progress', { phase: 'live', doneMs: nextTickMs - liveStartMs, totalMs: options.durationMs, eventMs: nextTickMs, sent: { ...sent } } satisfies ProgressEvent);
    }
    phase = 'done';
    wallEndMs = Date.now();
    for (const w of faults) {
      if (w.status !== 'active') continue;
      w.status = 'ended';
      w.endMs = Math.min(w.endMs, nextTickMs);
      w.wallEndMs = wallEndMs;
      emitter.emit('fault-end', w);
    }
    return report();
  };

  const done = run().finally(() => {
    phase = 'done';
  });
  // The caller may only ever call stop(); keep an unobserved failure from crashing the process.
  done.catch(() => {});

  return {
    topology,
    faults,
    liveStartMs,
    done,
    async stop() {
      stopping = true;
      wake();
      return done;
    },
    inject(fault) {
      const spec: FaultSpec = typeof fault === 'string' ? parseFaultSpec(fault) : { offsetMs: 0, ...fault };
      if (phase !== 'live') throw new Error(`inject: faults are injected in the live phase (now ${phase})`);
      checkFaultTarget(spec, topology, canary);
      // The next tick not yet simulated is the earliest moment a new fault can change.
      const fromMs = Math.max(Math.ceil(eventNow() / TICK_MS) * TICK_MS, nextTickMs);
      const window = planWindow({ ...spec, offsetMs: fromMs - liveStartMs + spec.offsetMs }, liveStartMs);
      faults.push(window);
      sim.addWindow(window);
      return window;
    },
    clock: () => ({ eventMs: eventNow(), wallMs: Date.now(), phase }),
    report,
    on(event, listener) {
      emitter.on(event, listener as (payload: unknown) => void);
      return () => emitter.off(event, listener as (payload: unknown) => void);
    },
  };
}
