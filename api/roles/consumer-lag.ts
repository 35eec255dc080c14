import { metrics, type Meter, type ObservableGauge } from '@opentelemetry/api';
import type { KafkaBus, PartitionLag } from '../../ingest/index.js';
import type { Logger } from '../logger.js';

/** The consumer groups a role reads, one per topic. */
export interface LagTarget {
  groupId: string;
  topic: string;
}

export interface GroupPartitionLag extends PartitionLag {
  groupId: string;
}

export interface ConsumerLagReport {
  total: number;
  byTopic: Record<string, number>;
  partitions: GroupPartitionLag[];
  /** The last measurement failed (e.g. the broker is loading its group coordinator). */
  error?: string;
}

/** The OpenTelemetry instrument; attributes `messaging.kafka.consumer.group`, `messaging.destination.name`, `messaging.kafka.partition`. */
export const CONSUMER_LAG_METRIC = 'vigil.kafka.consumer.lag';

/**
 * Measures a role's consumer lag every `intervalMs` (high watermark minus committed offset per
 * partition) for `/api/v1/health`, logs it while there is some, and exposes it as the
 * observable gauge `vigil.kafka.consumer.lag` through `@opentelemetry/api` (a no-op unless the
 * process registers an SDK meter provider, as a customer would).
 */
export class ConsumerLagMonitor {
  private lag: GroupPartitionLag[] = [];
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly gauge: ObservableGauge;
  private readonly observe = (result: { observe(value: number, attributes: Record<string, string | number>): void }) => {
    for (const p of this.lag) {
      result.observe(p.lag, { 'messaging.kafka.consumer.group': p.groupId, 'messaging.destination.name': p.topic, 'messaging.kafka.partition': p.partition });
    }
  };

  constructor(
    private readonly bus: Pick<KafkaBus<unknown>, 'consumerLag'>,
    private readonly targets: LagTarget[],
    private readonly logger: Pick<Logger, 'info'>,
    private readonly options: { intervalMs: number; role: string; meter?: Meter },
  ) {
    const meter = options.meter ?? metrics.getMeter('vigil.kafka');
    this.gauge = meter.createObservableGauge(CONSUMER_LAG_METRIC, { description: 'Messages a consumer group has yet to process, per topic partition', unit: '{message}' });
    this.gauge.addCallback(this.observe);
  }

  /** Measures once now, then every interval until `stop`. */
  async start(): Promise<void> {
    await this.measure();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.gauge.removeCallback(this.observe);
  }

  report(): ConsumerLagReport {
    return { total: total(this.lag), byTopic: byTopic(this.lag), partitions: this.lag, error: this.error };
  }

  private async measure(): Promise<void> {
    try {
      const all = await Promise.all(this.targets.map(async ({ groupId, topic }) => (await this.bus.consumerLag(groupId, topic)).map((p) => ({ ...p, groupId }))));
      const previous = total(this.lag);
      this.lag = all.flat();
      this.error = undefined;
      if (total(this.lag) > 0 || previous > 0) this.logger.info({ consumerLag: total(this.lag), byTopic: byTopic(this.lag) }, `${this.options.role} consumer lag`);
    } catch (err) {
      this.error = (err as Error).message;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.measure(), this.options.intervalMs);
    this.timer.unref();
  }
}

function total(lag: PartitionLag[]): number {
  return lag.reduce((sum, p) => sum + p.lag, 0);
}

function byTopic(lag: PartitionLag[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of lag) out[p.topic] = (out[p.topic] ?? 0) + p.lag;
  return out;
}
