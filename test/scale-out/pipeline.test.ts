/**
 * Distributed mode through a real broker (the test global setup's KAFKA_BROKERS): OTLP in at a
 * gateway → Kafka → writer → store role, and a poison message skipped to vigil.deadletter.
 * Under CI=true a missing broker fails the suite.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEAD_LETTER_REASON_HEADER, DEAD_LETTER_SOURCE_HEADER, envelopeCodec, TOPICS } from '../../ingest/index.js';
import { eventually } from '../helpers/embedded.js';
import { otlpLogs, spawnGateway, spawnStoreRole, spawnWriter, stopProcess, type StoreRole } from '../helpers/roles.js';
import type { VigilProcess } from '../helpers/vigil-process.js';
import { describeWithKafka } from '../kafka/kafka-env.js';

describeWithKafka('scale-out: gateway → Kafka → writer → store role', (brokers) => {
  const broker = brokers.join(',');
  // Own consumer groups: a broker shared with other runs keeps its committed offsets.
  const env = { VIGIL_KAFKA_WRITER_GROUP_ID: `vigil-writer-${randomUUID().slice(0, 8)}` };
  let store: StoreRole;
  let writer: VigilProcess;
  let gateway: VigilProcess;

  beforeAll(async () => {
    store = await spawnStoreRole();
    [writer, gateway] = await Promise.all([spawnWriter(broker, store, env), spawnGateway(broker, env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([stopProcess(gateway), stopProcess(writer)]);
    await stopProcess(store);
    if (store) rmSync(store.dataDir, { recursive: true, force: true });
  });

  it('stores every record acknowledged by the gateway, exactly once', async () => {
    const service = `e2e-${randomUUID().slice(0, 8)}`;
    const requests = 40;
    const perRequest = 25;
    const statuses = await Promise.all(
      Array.from({ length: requests }, (_, r) =>
        fetch(`${gateway.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpLogs(service, `r${r}`, perRequest) }).then((res) => res.status),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    await eventually(async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM otel_logs WHERE ServiceName = '${service}'`))[0].n) >= requests * perRequest, 60_000, 250);
    const [{ n, distinct }] = await store.query<{ n: string; distinct: string }>(`SELECT count() AS n, uniqExact(Body) AS distinct FROM otel_logs WHERE ServiceName = '${service}'`);
    expect(Number(n)).toBe(requests * perRequest);
    expect(Number(distinct)).toBe(requests * perRequest);
    // Template ids are stamped at the gateway and template texts reach the store through Kafka.
    const [ids] = await store.query<{ missing: string }>(`SELECT countIf(TemplateId = '') AS missing FROM otel_logs WHERE ServiceName = '${service}'`);
    expect(Number(ids.missing)).toBe(0);
    await eventually(async () => {
      const [t] = await store.query<{ n: string }>(
        `SELECT count() AS n FROM log_templates WHERE TemplateId IN (SELECT DISTINCT TemplateId FROM otel_logs WHERE ServiceName = '${service}')`,
      );
      return Number(t.n) > 0;
    }, 30_000, 250);
    // The store role's own read API sees the same data.
    const stats = (await (await fetch(`${store.url}/api/v1/stats`)).json()) as { logs: number };
    expect(stats.logs).toBeGreaterThanOrEqual(requests * perRequest);
    // Lag is measured every few seconds; one failed measurement (a broker still loading its
    // group coordinator) reports degraded until the next one succeeds.
    const health = await eventually(async () => {
      const h = (await (await fetch(`${writer.url}/api/v1/health`)).json()) as { status: string; consumerLag: { total: number } };
      return h.status === 'ok' ? h : undefined;
    }, 30_000, 500);
    expect(health.status).toBe('ok');
    expect(typeof health.consumerLag.total).toBe('number');
  });

  it('moves an undecodable message to vigil.deadletter with a reason and keeps consuming', async () => {
    const kafka = new Kafka({ clientId: 'poison-test', brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    const service = `poison-${randomUUID().slice(0, 8)}`;
    const marker = `poison-${randomUUID()}`;
    // Same key as the service's records: same partition, so the good records after it must pass it.
    await producer.send({ topic: TOPICS.logs, messages: [{ key: service, value: Buffer.from(`{"not":"an envelope","marker":"${marker}"}`) }] });
    await producer.disconnect();
    const res = await fetch(`${gateway.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpLogs(service, 'after-poison', 10) });
    expect(res.status).toBe(200);
    await eventually(async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM otel_logs WHERE ServiceName = '${service}'`))[0].n) === 10, 60_000, 250);

    const consumer = kafka.consumer({ groupId: `deadletter-reader-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: 'vigil.deadletter', fromBeginning: true });
    const found = new Promise<{ reason: string; source: string }>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value?.toString().includes(marker)) {
            resolve({ reason: String(message.headers?.[DEAD_LETTER_REASON_HEADER]), source: String(message.headers?.[DEAD_LETTER_SOURCE_HEADER]) });
          }
        },
      });
    });
    const dead = await Promise.race([found, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('poison message not in vigil.deadletter')), 30_000))]);
    await consumer.disconnect();
    expect(dead.reason).toMatch(/undecodable .*bad magic/);
    expect(dead.source).toMatch(/^vigil\.logs\/\d+@\d+$/);
  });

  /** The first message on vigil.deadletter whose value contains `marker`, with its headers. */
  async function deadLetterWith(marker: string): Promise<{ reason: string; source: string }> {
    const consumer = new Kafka({ clientId: 'deadletter-reader', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `deadletter-reader-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'vigil.deadletter', fromBeginning: true });
      const found = new Promise<{ reason: string; source: string }>((resolve) => {
        void consumer.run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString().includes(marker)) resolve({ reason: String(message.headers?.[DEAD_LETTER_REASON_HEADER]), source: String(message.headers?.[DEAD_LETTER_SOURCE_HEADER]) });
          },
        });
      });
      return await Promise.race([found, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${marker} not in vigil.deadletter`)), 60_000))]);
    } finally {
      await consumer.disconnect();
    }
  }

  it('moves a batch the store refuses (a type error) to vigil.deadletter after bounded retries, and keeps consuming', async () => {
    const service = `refused-${randomUUID().slice(0, 8)}`;
    const marker = `refused-${randomUUID()}`;
    // A well-framed envelope whose row ClickHouse cannot parse: a timestamp that is no time.
    const row = JSON.stringify({ Timestamp: 'not a time', ServiceName: service, Body: marker });
    const producer = new Kafka({ clientId: 'refused-test', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic: TOPICS.logs, messages: [{ key: service, value: envelopeCodec.encode({ tables: { otel_logs: { count: 1, format: 'JSONEachRow', body: Buffer.from(row) } } }) }] });
    await producer.disconnect();
    // The same partition, behind it: stored once the refused batch is out of the way.
    const res = await fetch(`${gateway.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpLogs(service, 'after-refused', 10) });
    expect(res.status).toBe(200);
    await eventually(async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM otel_logs WHERE ServiceName = '${service}'`))[0].n) === 10, 90_000, 250);

    const dead = await deadLetterWith(marker);
    expect(dead.reason).toMatch(/^refused by vigil-writer-\S+\.logs 5 times: store: Cannot read DateTime/);
    expect(dead.source).toMatch(/^vigil\.logs\/\d+@\d+$/);
  });
});
