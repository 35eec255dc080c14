import { randomUUID } from 'node:crypto';
import { queries, type Store } from '../analytics/index.js';
import type { DrillRow } from '../analytics/queries/drills.js';
import { CANARY_SERVICE } from '../chaos/index.js';
import { drillLibrary, parseDrillSpec, startDrill, DrillSpecError, type DrillHandle, type DrillReport, type DrillSpec, type SeenAnomaly, type SeenIncident } from '../chaos/drills/index.js';
import { VigilError } from './errors.js';
import type { Logger } from './logger.js';

/**
 * Drills inside the server: requests (and approvals for real targets), one running drill
 * at a time (two drills on one topology would blur each other's scores), the history in
 * the `drills` table, and scheduled game days over the library.
 */
export interface DrillServiceDeps {
  store: Store;
  logger: Logger;
  /** Vigil's own receivers, where the drill's telemetry goes. */
  ingestUrl(): string;
  watchAnomalies(listener: (a: SeenAnomaly) => void): () => void;
  watchIncidents(listener: (i: SeenIncident) => void): () => void;
  /** Change window for real-target drills: is this wall time inside it? */
  inChangeWindow(ms: number): boolean;
}

export interface DrillView {
  id: string;
  name: string;
  status: string;
  targetKind: string;
  requestedBy: string;
  approvedBy: string;
  startedAt: string | null;
  endedAt: string | null;
  score: number | null;
  passed: boolean;
  progress?: Array<{ time: string; phase: string; message: string }>;
  report?: DrillReport;
}

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);

export class DrillService {
  private running: { handle: DrillHandle; row: DrillRow } | undefined;
  private readonly waiting = new Map<string, DrillRow>();
  private gameDay: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly deps: DrillServiceDeps) {}

  /** Parses and validates a spec (YAML/JSON text or an object) or names a library drill. */
  static specOf(input: { spec?: unknown; library?: string }): DrillSpec {
    try {
      if (input.library !== undefined) {
        const found = drillLibrary().find((d) => d.name === input.library);
        if (!found) throw new VigilError('API_NOT_FOUND', `no library drill "${input.library}" (GET /api/v1/drills/library lists them)`);
        return found.spec;
      }
      if (typeof input.spec === 'string') return parseDrillSpec(input.spec);
      if (input.spec && typeof input.spec === 'object') return parseDrillSpec(JSON.stringify(input.spec));
      throw new VigilError('API_BAD_REQUEST', 'body needs "spec" (YAML/JSON text or an object) or "library" (a library drill name)');
    } catch (err) {
      if (err instanceof DrillSpecError) throw new VigilError('API_BAD_REQUEST', `drill spec: ${err.message}`);
      throw err;
    }
  }

  /** A synthetic drill starts now; a real-target drill waits for a second person's approval. */
  async request(spec: DrillSpec, actor: string): Promise<DrillView> {
    const row: DrillRow = {
      id: randomUUID(),
      name: spec.name,
      status: spec.target.kind === 'real' ? 'awaiting-approval' : 'pending',
      targetKind: spec.target.kind,
      spec: JSON.stringify(spec),
      requestedBy: actor,
      approvedBy: '',
      startedMs: 0,
      endedMs: 0,
      score: 0,
      passed: false,
      report: '',
      updatedMs: Date.now(),
    };
    if (spec.target.kind === 'real') {
      this.waiting.set(row.id, row);
      await this.save(row);
      this.deps.logger.info({ drill: row.id, name: row.name, requestedBy: actor }, 'drill awaiting approval');
      return this.view(row);
    }
    return this.start(row, spec);
  }

  /** Approval of a real-target drill: by someone else, inside the change window; it starts at once. */
  async approve(id: string, actor: string): Promise<DrillView> {
    const row = this.waiting.get(id) ?? (await queries.getDrill(this.deps.store, id));
    if (!row) throw new VigilError('API_NOT_FOUND', `no drill ${id}`);
    if (row.status !== 'awaiting-approval') throw new VigilError('DRILL_CONFLICT', `drill ${id} is ${row.status}, not awaiting approval`);
    if (actor === row.requestedBy) throw new VigilError('DRILL_APPROVAL_REFUSED', 'a drill must be approved by someone other than who requested it');
    if (!this.deps.inChangeWindow(Date.now())) throw new VigilError('DRILL_APPROVAL_REFUSED', 'outside the change window (drills.changeWindow); real-target drills run only inside it');
    this.waiting.delete(id);
    return this.start({ ...row, approvedBy: actor }, JSON.parse(row.spec) as DrillSpec);
  }

  stop(id: string, actor: string): DrillView {
    if (this.running?.row.id !== id) throw new VigilError('DRILL_CONFLICT', `drill ${id} is not running`);
    this.running.handle.stop(`stopped by ${actor}`);
    return this.view(this.running.row, this.running.handle);
  }

  async get(id: string): Promise<DrillView> {
    if (this.running?.row.id === id) return this.view(this.running.row, this.running.handle);
    const waiting = this.waiting.get(id);
    if (waiting) return this.view(waiting);
    const row = await queries.getDrill(this.deps.store, id);
    if (!row) throw new VigilError('API_NOT_FOUND', `no drill ${id}`);
    return { ...this.view(row), report: row.report ? (JSON.parse(row.report) as DrillReport) : undefined };
  }

  async report(id: string): Promise<DrillReport> {
    const view = await this.get(id);
    if (!view.report) throw new VigilError('DRILL_CONFLICT', `drill ${id} has no report yet (status ${view.status})`);
    return view.report;
  }

  async list(name: string | undefined, limit: number): Promise<DrillView[]> {
    const rows = await queries.listDrills(this.deps.store, { name, limit });
    return rows.map((r) => (this.running?.row.id === r.id ? this.view(this.running.row, this.running.handle) : this.view(r)));
  }

  /** Runs the given library drills one after another every `intervalMs` (game days). */
  scheduleGameDays(intervalMs: number, names: string[]): void {
    if (intervalMs <= 0) return;
    const run = async () => {
      for (const d of drillLibrary().filter((x) => names.length === 0 || names.includes(x.name))) {
        if (this.closed) return;
        try {
          const view = await this.request(d.spec, 'game-day');
          await this.waitFor(view.id);
        } catch (err) {
          this.deps.logger.warn({ err: (err as Error).message, drill: d.name }, 'game-day drill not run');
        }
      }
    };
    this.gameDay = setInterval(() => void run(), intervalMs);
    this.gameDay.unref();
  }

  /** Resolves when the drill has finished (any end status). */
  async waitFor(id: string): Promise<void> {
    if (this.running?.row.id === id) await this.running.handle.done.catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.gameDay) clearInterval(this.gameDay);
    if (this.running) {
      this.running.handle.stop('Vigil is shutting down');
      await this.running.handle.done.catch(() => {});
    }
  }

  private async start(row: DrillRow, spec: DrillSpec): Promise<DrillView> {
    if (this.running) throw new VigilError('DRILL_CONFLICT', `drill ${this.running.row.id} (${this.running.row.name}) is running; one drill at a time`);
    const { store } = this.deps;
    const handle = startDrill(
      spec,
      {
        ingestUrl: this.deps.ingestUrl(),
        watch: (l) => {
          const a = this.deps.watchAnomalies(l.anomaly);
          const i = this.deps.watchIncidents(l.incident);
          return () => {
            a();
            i();
          };
        },
        notifications: async (ids) =>
          (await queries.notificationsOfIncidents(store, ids)).map((n) => ({ incidentId: n.incidentId, channel: n.channel, transition: n.transition, status: n.status, deliveredWallMs: n.deliveredAtMs })),
        steadyValue: (c, from, to) => queries.serviceRed(store, c.service, c.metric, from, to),
        canaryStored: (from, to) => queries.canaryRecordsStored(store, CANARY_SERVICE, from, to),
        lastEventMs: (services) => queries.lastEventTime(store, services),
        now: () => Date.now(),
      },
      { id: row.id, onProgress: (p) => this.deps.logger.info({ drill: row.id, phase: p.phase }, p.message) },
    );
    const started = { ...row, status: 'running', startedMs: Date.now(), updatedMs: Date.now() };
    this.running = { handle, row: started };
    await this.save(started);
    void handle.done.then(
      async (report) => {
        this.running = undefined;
        await this.save({ ...started, status: report.status, endedMs: report.endedWallMs, score: report.score.score, passed: report.score.passed, report: JSON.stringify(report), updatedMs: Date.now() });
      },
      async (err) => {
        this.running = undefined;
        this.deps.logger.error({ drill: row.id, err: (err as Error).message }, 'drill failed to run');
        await this.save({ ...started, status: 'error', endedMs: Date.now(), report: JSON.stringify({ error: (err as Error).message, progress: handle.progress() }), updatedMs: Date.now() });
      },
    );
    return this.view(started, handle);
  }

  private async save(row: DrillRow): Promise<void> {
    try {
      await queries.saveDrill(this.deps.store, row);
    } catch (err) {
      this.deps.logger.error({ drill: row.id, err: (err as Error).message }, 'drill not saved');
    }
  }

  private view(row: DrillRow, handle?: DrillHandle): DrillView {
    return {
      id: row.id,
      name: row.name,
      status: handle ? handle.status() : row.status,
      targetKind: row.targetKind,
      requestedBy: row.requestedBy,
      approvedBy: row.approvedBy,
      startedAt: iso(row.startedMs),
      endedAt: iso(row.endedMs),
      score: row.endedMs > 0 ? row.score : null,
      passed: row.passed,
      progress: handle?.progress().map((p) => ({ time: new Date(p.wallMs).toISOString(), phase: p.phase, message: p.message })),
    };
  }
}
