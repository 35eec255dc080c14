import { FAULT_TYPES, type FaultEffects, type FaultWindow, type FaultWorld } from './faults.js';
import { formatMs, renderLine } from './log-lines.js';
import { METRIC_INTERVAL_MS, ServiceMetrics } from './metrics.js';
import { Random } from './random.js';
import { appendBatch, emptyBatch, type CloudEventRecord, type Resource, type TelemetryBatch } from './records.js';
import { simulateRequest, type RequestWorld, type ServiceEffects } from './requests.js';
import { CANARY_SERVICE, type Service, type Topology } from './topology.js';

/** One tick is one simulated second: requests, logs and canaries are spread realistically within it. */
export const TICK_MS = 1000;

export interface SimulationOptions {
  topology: Topology;
  seed: number;
  /** Requests per simulated second entering the topology's entry service. */
  ratePerSecond: number;
  /** Event time of the first tick; cumulative metrics start here. */
  originMs: number;
  /** Emit the numbered canary log stream (service `vigil-canary`, one record per simulated second). */
  canary: boolean;
  /** Fault windows in event time; `addWindow` adds more later. */
  windows?: FaultWindow[];
}

export interface TickResult {
  batch: TelemetryBatch;
  /** Windows that opened or closed in this tick. */
  started: FaultWindow[];
  ended: FaultWindow[];
  canarySent: number;
  canaryDropped: number;
}

interface TickEffects extends ServiceEffects {
  newErrorLogs: Array<{ window: FaultWindow; perSecond: number; template: string }>;
  metricFactors: Array<{ metric: string; factor: number }>;
  dropWindow?: FaultWindow;
}

const NO_EFFECTS: TickEffects = { addedLatencyMs: 0, down: false, saturation: 0, logFactor: 1, newErrorLogs: [], metricFactors: [] };
const DEPLOY_SOURCE = '/vigil/workload/ci';
export const DEPLOY_EVENT_TYPE = 'dev.cdevents.service.deployed.0.2.0';

/**
 * The simulated world, advanced one tick at a time. Pure given its options: the same seed,
 * origin and faults give the same records, whatever the wall clock does, so a workload can
 * be replayed and tests can inspect exactly what a fault changed.
 */
export class Simulation implements FaultWorld {
  readonly topology: Topology;
  private readonly rng: Random;
  private readonly byName: Map<string, Service>;
  private readonly resources = new Map<string, Resource>();
  private readonly serviceMetrics = new Map<string, ServiceMetrics>();
  private readonly windows: FaultWindow[];
  private readonly errorLogCarry = new Map<FaultWindow, number>();
  private effects = new Map<string, TickEffects>();
  private pendingEvents: CloudEventRecord[] = [];
  private canarySeq = 0;

  constructor(private readonly options: SimulationOptions) {
    this.topology = options.topology;
    this.rng = new Random(options.seed);
    this.byName = new Map(options.topology.services.map((s) => [s.name, s]));
    this.windows = [...(options.windows ?? [])];
    for (const s of options.topology.services) {
      if (s.kind !== 'service') continue;
      this.resources.set(s.name, makeResource(s.name, s.version, options.topology.environment));
      const pools = [...new Set(s.calls.filter((c) => this.byName.get(c.to)!.kind === 'database').map((c) => c.to))];
      this.serviceMetrics.set(s.name, new ServiceMetrics(s.route, options.originMs * 1000, (hash(s.name) % 1000) / 1000, pools));
    }
    this.resources.set(CANARY_SERVICE, makeResource(CANARY_SERVICE, '1.0.0', options.topology.environment));
  }

  addWindow(window: FaultWindow): void {
    this.windows.push(window);
  }

  /** The `service.version` a service currently reports. */
  version(service: string): string {
    return String(this.resources.get(service)?.attributes['service.version'] ?? '');
  }

  /** Simulates [tickStartMs, tickStartMs + TICK_MS). Ticks must come in order. */
  tick(tickStartMs: number): TickResult {
    const { started, ended } = this.advanceWindows(tickStartMs);
    const batch = emptyBatch();
    batch.events.push(...this.pendingEvents);
    this.pendingEvents = [];
    const world: RequestWorld = {
      rng: this.rng,
      service: (name) => this.byName.get(name)!,
      effects: (name) => this.effects.get(name) ?? NO_EFFECTS,
      resource: (name) => this.resources.get(name)!,
      metrics: (name) => this.serviceMetrics.get(name)!,
      out: batch,
    };
    const tickUs = TICK_MS * 1000;
    const startUs = tickStartMs * 1000;
    // Samples close the interval that ends as this tick begins, under this tick's faults.
    if (tickStartMs % METRIC_INTERVAL_MS === 0 && tickStartMs > this.options.originMs) {
      for (const [name, metrics] of this.serviceMetrics) {
        const fx = this.effects.get(name) ?? NO_EFFECTS;
        batch.metrics.push(...metrics.sample(this.resources.get(name)!, startUs, this.rng, { saturation: fx.saturation, factors: fx.metricFactors }));
      }
    }
    const arrivals = Array.from({ length: this.rng.poisson(this.options.ratePerSecond * (TICK_MS / 1000)) }, () => startUs + Math.floor(this.rng.next() * tickUs));
    for (const at of arrivals.sort((a, b) => a - b)) simulateRequest(world, this.topology.entry, at);
    this.emitNewErrorLogs(batch, startUs);
    let canarySent = 0;
    if (this.options.canary) {
      this.canarySeq++;
      batch.logs.push({
        resource: this.resources.get(CANARY_SERVICE)!, timeUs: startUs, severityText: 'INFO', body: `canary heartbeat ${this.canarySeq}`,
        traceId: '', spanId: '', attributes: { 'vigil.canary.seq': this.canarySeq },
      });
      canarySent = 1;
    }
    const canaryDropped = this.dropTelemetry(batch);
    return { batch, started, ended, canarySent: canarySent - canaryDropped, canaryDropped };
  }

  deploy(service: string, timeMs: number): { eventId: string; version: string; previousVersion: string } {
    const previousVersion = this.version(service);
    const version = nextVersion(previousVersion);
    this.resources.set(service, makeResource(service, version, this.topology.environment));
    const eventId = `deploy-${service}-${version}-${this.rng.hex(4)}`;
    const time = new Date(timeMs).toISOString();
    this.pendingEvents.push({
      specversion: '1.0', id: eventId, source: DEPLOY_SOURCE, type: DEPLOY_EVENT_TYPE, subject: service, time,
      datacontenttype: 'application/json', service,
      // CDEvents 0.4 service.deployed 0.2.0: context + subject; the versions also in customData for readers that skip the purl.
      data: {
        context: { version: '0.4.1', id: eventId, source: DEPLOY_SOURCE, type: DEPLOY_EVENT_TYPE, timestamp: time },
        subject: { id: service, source: DEPLOY_SOURCE, type: 'service', content: { environment: { id: this.topology.environment }, artifactId: `pkg:oci/${service}@${version}` } },
        customData: { version, previousVersion },
      },
    });
    return { eventId, version, previousVersion };
  }

  private advanceWindows(tickStartMs: number): { started: FaultWindow[]; ended: FaultWindow[] } {
    const started: FaultWindow[] = [];
    const ended: FaultWindow[] = [];
    for (const w of this.windows) {
      if (w.status === 'pending' && w.startMs <= tickStartMs) {
        w.status = 'active';
        started.push(w);
        FAULT_TYPES[w.type].onStart?.(w, this);
      }
      if (w.status === 'active' && w.endMs <= tickStartMs) {
        w.status = 'ended';
        ended.push(w);
      }
    }
    this.effects = new Map();
    for (const w of this.windows) {
      if (w.status !== 'active') continue;
      const fx = FAULT_TYPES[w.type].effects(tickStartMs - w.startMs, w.durationMs);
      this.effects.set(w.service, merge(this.effects.get(w.service) ?? { ...NO_EFFECTS, newErrorLogs: [], metricFactors: [] }, fx, w));
    }
    return { started, ended };
  }

  /** New error patterns come at a steady rate: a carried fraction, not a coin per tick. */
  private emitNewErrorLogs(batch: TelemetryBatch, startUs: number): void {
    for (const [service, fx] of this.effects) {
      for (const { window, perSecond, template } of fx.newErrorLogs) {
        const due = (this.errorLogCarry.get(window) ?? 0) + perSecond * (TICK_MS / 1000);
        const count = Math.floor(due);
        this.errorLogCarry.set(window, due - count);
        for (let i = 0; i < count; i++) {
          const body = renderLine(template, this.rng, { ms: formatMs(this.rng.lognormal(40)), service });
          batch.logs.push({ resource: this.resources.get(service)!, timeUs: startUs + this.rng.int(0, TICK_MS * 1000 - 1), severityText: 'ERROR', body, traceId: '', spanId: '', attributes: {} });
        }
      }
    }
  }

  /** Removes the records of services under telemetry-loss, counting them on the window. Returns canaries dropped. */
  private dropTelemetry(batch: TelemetryBatch): number {
    const dropping = new Map<string, FaultWindow>();
    for (const [service, fx] of this.effects) if (fx.dropWindow) dropping.set(service, fx.dropWindow);
    if (dropping.size === 0) return 0;
    let canaries = 0;
    const keep = <T extends { resource: Resource }>(items: T[], field: 'spans' | 'logs' | 'metricPoints'): T[] =>
      items.filter((item) => {
        const window = dropping.get(item.resource.service);
        if (!window) return true;
        window.dropped[field]++;
        if (item.resource.service === CANARY_SERVICE) canaries++;
        return false;
      });
    batch.spans = keep(batch.spans, 'spans');
    batch.logs = keep(batch.logs, 'logs');
    batch.metrics = keep(batch.metrics, 'metricPoints');
    return canaries;
  }
}

function merge(into: TickEffects, fx: FaultEffects, window: FaultWindow): TickEffects {
  into.addedLatencyMs += fx.addedLatencyMs ?? 0;
  if (fx.failure && (!into.failure || fx.failure.rate > into.failure.rate)) into.failure = fx.failure;
  into.down ||= fx.down ?? false;
  into.saturation = Math.max(into.saturation, fx.saturation ?? 0);
  into.logFactor = Math.max(into.logFactor, fx.logFactor ?? 1);
  if (fx.newErrorLog) into.newErrorLogs.push({ window, ...fx.newErrorLog });
  if (fx.metricFactor) into.metricFactors.push(fx.metricFactor);
  if (fx.dropTelemetry) into.dropWindow ??= window;
  return into;
}

function makeResource(service: string, version: string, environment: string): Resource {
  const h = hash(service).toString(36).padStart(10, '0');
  return {
    service,
    attributes: {
      'service.name': service,
      'service.version': version,
      'deployment.environment': environment,
      'deployment.environment.name': environment,
      'host.name': `${service}-${h.slice(0, 9)}-${h.slice(-5)}`,
    },
  };
}

/** `3.1.7` → `3.1.8`; anything else gets `-next`. */
export function nextVersion(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m ? `${m[1]}.${m[2]}.${Number(m[3]) + 1}` : `${version}-next`;
}

/** FNV-1a: a stable number per name (host names, per-service baselines). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Simulates [fromMs, toMs) without sending anything: every record, for tests and offline datasets. */
export function simulateRange(options: SimulationOptions, fromMs: number, toMs: number): TelemetryBatch & { canarySent: number } {
  const sim = new Simulation(options);
  const batch = emptyBatch();
  let canarySent = 0;
  for (let t = fromMs; t < toMs; t += TICK_MS) {
    const result = sim.tick(t);
    appendBatch(batch, result.batch);
    canarySent += result.canarySent;
  }
  return { ...batch, canarySent };
}
