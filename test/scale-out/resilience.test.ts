/**
 * The delivery promise of distributed mode under failures, on a broker this suite owns (so it
 * can stop it): three writers in one group with one SIGKILLed mid-stream and the broker
 * restarted once; and a gateway answering 503 + Retry-After while the broker is down.
 * Needs the Kafka jars like the shared broker; under CI=true a missing broker fails the suite.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually } from '../helpers/embedded.js';
import { otlpLogs, spawnGateway, spawnStoreRole, spawnWriter, stopProcess, terminate, type StoreRole } from '../helpers/roles.js';
import type { VigilProcess } from '../helpers/vigil-process.js';
import { describeWithKafka } from '../kafka/kafka-env.js';
import { OwnBroker } from './own-broker.js';

const PER_REQUEST = 20;
/**
 * A writer told to stop (SIGTERM) finishes its batch in flight, leaves its groups and exits within
 * this: each group member gets at most 15 s (KafkaBus stopTimeoutMs, all in parallel), plus margin.
 */
const CLEAN_EXIT_MS = 25_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithKafka('scale-out under failures (own broker)', () => {
  let broker: OwnBroker;
  let store: StoreRole;
  let gateway: VigilProcess;
  const writers: VigilProcess[] = [];
  // Short publish timeout: a request waits at most this long for an absent broker.
  const env = { VIGIL_KAFKA_PUBLISH_TIMEOUT_MS: '3000', VIGIL_KAFKA_TOPIC_PARTITIONS: '6' };

  beforeAll(async () => {
    broker = await OwnBroker.start();
    store = await spawnStoreRole();
    gateway = await spawnGateway(broker.address, env);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([stopProcess(gateway), ...writers.map((w) => stopProcess(w))]);
    await stopProcess(store);
    if (store) rmSync(store.dataDir, { recursive: true, force: true });
    await broker?.remove();
  }, 120_000);

  async function send(service: string, id: string): Promise<number> {
    try {
      const res = await fetch(`${gateway.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpLogs(service, id, PER_REQUEST), signal: AbortSignal.timeout(15_000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  it('gateway: 503 with Retry-After while the broker is down, 200 again once it is back', async () => {
    expect(await send('outage', 'before')).toBe(200);
    await broker.down();
    const res = await fetch(`${gateway.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpLogs('outage', 'during', PER_REQUEST) });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await res.json()) as { code: string }).code).toBe('INGEST_UNAVAILABLE');
    await broker.up();
    await eventually(async () => (await send('outage', `after-${Date.now()}`)) === 200, 60_000, 500);
  }, 120_000);

  it('three writers, one SIGKILLed, broker restarted: every acknowledged record stored exactly once', async () => {
    for (let i = 0; i < 3; i++) writers.push(await spawnWriter(broker.address, store, env));
    const service = 'resilience';
    const acked: string[] = [];
    let stop = false;
    const clients = Array.from({ length: 4 }, async (_, client) => {
      for (let seq = 0; !stop; seq++) {
        const id = `c${client}s${seq}`;
        if ((await send(service, id)) === 200) acked.push(id);
        else await sleep(200);
      }
    });

    await sleep(3_000);
    writers[0].child.kill('SIGKILL'); // mid-stream: whatever it had in flight is redelivered to the others
    await sleep(2_000);
    await broker.down();
    await sleep(2_000);
    await broker.up();
    // Stopped while its consumers recover from the restart: it must still drain and exit, by itself.
    const whileRecovering = await terminate(writers[1], CLEAN_EXIT_MS);
    expect(whileRecovering, `writer did not exit within ${CLEAN_EXIT_MS} ms of SIGTERM after the broker restart:\n${writers[1].output().slice(-2000)}`).toBeDefined();
    expect(whileRecovering!.code).toBe(0);
    expect(writers[1].output()).not.toContain('still open: exiting'); // it ended by itself, not by the backstop
    await sleep(4_000);
    stop = true;
    await Promise.all(clients);
    expect(acked.length).toBeGreaterThan(20);

    const expected = acked.length * PER_REQUEST;
    const countOf = async () => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM otel_logs WHERE ServiceName = '${service}'`))[0].n);
    await eventually(async () => (await countOf()) >= expected, 90_000, 500);
    await sleep(2_000); // anything redelivered late would land now
    const rows = await store.query<{ id: string; n: string }>(
      `SELECT splitByChar('-', Body)[1] AS id, count() AS n FROM otel_logs WHERE ServiceName = '${service}' GROUP BY id`,
    );
    const perRequest = new Map(rows.map((r) => [r.id, Number(r.n)]));
    expect(acked.filter((id) => perRequest.get(id) !== PER_REQUEST)).toEqual([]);
    expect([...perRequest].filter(([, n]) => n !== PER_REQUEST)).toEqual([]);

    // The writer that carried the load after the restart stops cleanly as well.
    const last = await terminate(writers[2], CLEAN_EXIT_MS);
    expect(last, `writer did not exit within ${CLEAN_EXIT_MS} ms of SIGTERM:\n${writers[2].output().slice(-2000)}`).toBeDefined();
    expect(last!.code).toBe(0);
    expect(writers[2].output()).not.toContain('still open: exiting');
    console.log(`SIGTERM to exit: ${whileRecovering!.elapsedMs} ms while recovering from the broker restart, ${last!.elapsedMs} ms after it`);
  }, 240_000);
});
