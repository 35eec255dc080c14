/**
 * Where event time stands for the incident engine's ticks, from the telemetry stream: the
 * median of the latest event times of the services heard from lately. The whole fleet's
 * time moves it — live traffic, a replay of history, a drill writing ahead of the wall
 * clock — while one sender whose clock runs ahead cannot: it would otherwise resolve every
 * incident by jumping event time forward. "Lately" counts ingest batches, not the wall
 * clock, so replayed history behaves as live data did.
 */
export class EventClock {
  private readonly latest = new Map<string, { timeMs: number; batch: number }>();
  private batch = 0;

  constructor(private readonly options: { recentBatches: number; maxServices: number } = EVENT_CLOCK_DEFAULTS) {}

  /** One ingest batch: the latest event time of each service in it. */
  observe(latestByService: ReadonlyMap<string, number>): void {
    this.batch++;
    for (const [service, timeMs] of latestByService) {
      if (!Number.isFinite(timeMs) || timeMs <= 0) continue;
      const known = this.latest.get(service);
      this.latest.delete(service); // re-inserted last: the map's order is least recently heard first
      this.latest.set(service, { timeMs: Math.max(timeMs, known?.timeMs ?? 0), batch: this.batch });
    }
    for (const [service, { batch }] of this.latest) {
      if (this.latest.size <= this.options.maxServices && batch >= this.batch - this.options.recentBatches) break;
      this.latest.delete(service);
    }
  }

  /** The lower median of the services heard from lately (undefined before any). */
  nowMs(): number | undefined {
    const times = [...this.latest.values()].map((l) => l.timeMs).sort((a, b) => a - b);
    return times.length === 0 ? undefined : times[Math.floor((times.length - 1) / 2)];
  }
}

/** A service silent for this many ingest batches no longer counts; the services counted are bounded. */
export const EVENT_CLOCK_DEFAULTS = { recentBatches: 1000, maxServices: 1000 };
