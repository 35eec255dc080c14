import { randomUUID } from 'node:crypto';
import { MeterProvider, MetricReader, type GaugeMetricData } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KafkaBus, type Codec, type Subscription } from '../../ingest/index.js';
import { describeWithKafka } from '../../test/kafka/kafka-env.js';
import { CONSUMER_LAG_METRIC, ConsumerLagMonitor } from './consumer-lag.js';

const textCodec: Codec<string> = { encode: (v) => Buffer.from(v), decode: (b) => b.toString() };

class Reader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

describeWithKafka('ConsumerLagMonitor', (brokers) => {
  let bus: KafkaBus<string>;
  let subscription: Subscription | undefined;

  beforeAll(() => {
    bus = new KafkaBus({ brokers, clientId: 'vigil-lag-test', codec: textCodec, topicPartitions: 2, replicationFactor: 1, logLevel: 'error', consumer: { maxWaitTimeMs: 250 } });
  });
  afterAll(async () => {
    await subscription?.stop();
    await bus?.close();
  });

  /** The gauge's points as the OpenTelemetry SDK exports them. */
  async function exported(reader: Reader): Promise<Array<{ value: number; attributes: Record<string, unknown> }>> {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === CONSUMER_LAG_METRIC) as GaugeMetricData | undefined;
    return metric?.dataPoints.map((p) => ({ value: p.value, attributes: p.attributes })) ?? [];
  }

  it('reports per-partition lag in health and as the vigil.kafka.consumer.lag gauge, down to 0 once consumed', async () => {
    const topic = `lag-${randomUUID().slice(0, 8)}`;
    const groupId = `g-${topic}`;
    await bus.ensureTopics([topic]);
    await bus.publish(topic, Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, id: `m${i}`, value: `v${i}` })));

    const reader = new Reader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
    const monitor = new ConsumerLagMonitor(bus, [{ groupId, topic }], { info: () => undefined }, { intervalMs: 200, role: 'test', meter });
    try {
      await monitor.start();
      expect(monitor.report()).toMatchObject({ total: 8, byTopic: { [topic]: 8 } });
      expect(monitor.report().partitions).toHaveLength(2);
      const before = await exported(reader);
      expect(before).toHaveLength(2);
      expect(before.reduce((sum, p) => sum + p.value, 0)).toBe(8);
      for (const p of before) {
        expect(p.attributes).toMatchObject({ 'messaging.kafka.consumer.group': groupId, 'messaging.destination.name': topic });
        expect([0, 1]).toContain(p.attributes['messaging.kafka.partition']);
      }

      subscription = await bus.subscribe({ topic, groupId, onBatch: async () => undefined });
      await expect.poll(() => monitor.report().total, { timeout: 30_000 }).toBe(0);
      expect((await exported(reader)).map((p) => p.value)).toEqual([0, 0]);
    } finally {
      monitor.stop();
    }
  });
});
