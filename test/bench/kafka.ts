/**
 * bench:kafka — records/s through gateway → Kafka → writer → store role, the embedded path
 * (one `vigil start`) with the same load in the same run, and consumer lag over time under a
 * burst at 3× the distributed path's sustainable rate.
 *
 *   npm run bench:kafka -- [--records N] [--clients C] [--per-request R] [--burst-seconds S]
 *
 * Uses KAFKA_BROKERS when set, else starts a broker of its own (test/kafka/kafka.sh).
 * Prints figures; asserts nothing.
 */
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { otlpLogs, spawnGateway, spawnStoreRole, spawnWriter, stopProcess } from '../helpers/roles.js';
import { spawnVigil } from '../helpers/vigil-process.js';
import { OwnBroker } from '../scale-out/own-broker.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    clients: { type: 'string', default: '8' },
    'per-request': { type: 'string', default: '500' },
    'burst-seconds': { type: 'string', default: '10' },
  },
});
const RECORDS = Number(values.records);
const CLIENTS = Number(values.clients);
const PER_REQUEST = Number(values['per-request']);
const BURST_SECONDS = Number(values['burst-seconds']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(url: string, body: string): Promise<boolean> {
  for (;;) {
    const res = await fetch(`${url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    if (res.ok) return true;
    await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** Sends `records` records from CLIENTS concurrent clients; resolves when every request was acked. */
async function load(url: string, service: string, records: number): Promise<number> {
  const requests = Math.ceil(records / PER_REQUEST);
  const bodies = Array.from({ length: Math.min(requests, 64) }, (_, i) => otlpLogs(service, `b${i}`, PER_REQUEST));
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < requests) await post(url, bodies[next++ % bodies.length]);
  }));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const own = process.env.KAFKA_BROKERS ? undefined : await OwnBroker.start();
  const brokers = process.env.KAFKA_BROKERS ?? own!.address;
  const env = { VIGIL_KAFKA_WRITER_GROUP_ID: `bench-${Date.now()}`, VIGIL_LOGS_TEMPLATES_ENABLED: 'false' };
  console.log(`bench:kafka — ${RECORDS} log records, ${CLIENTS} clients × ${PER_REQUEST} records/request, broker ${brokers}`);

  const store = await spawnStoreRole();
  const writer = await spawnWriter(brokers, store, env);
  const gateway = await spawnGateway(brokers, env);
  const count = async (service: string) => Number((await store.query<{ n: string }>(`SELECT count() AS n FROM otel_logs WHERE ServiceName = '${service}'`))[0].n);
  const lag = async () => ((await (await fetch(`${writer.url}/api/v1/health`)).json()) as { consumerLag: { total: number } }).consumerLag.total;
  try {
    await load(gateway.url, 'warmup', PER_REQUEST * CLIENTS);
    const started = performance.now();
    const ackMs = await load(gateway.url, 'distributed', RECORDS);
    while ((await count('distributed')) < RECORDS) await sleep(100);
    const storedMs = performance.now() - started;
    const distributedRate = RECORDS / (storedMs / 1000);
    console.log(`distributed  gateway acks: ${fmt(RECORDS / (ackMs / 1000))} records/s; stored (gateway → Kafka → writer → store): ${fmt(distributedRate)} records/s`);

    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-embedded-'));
    const embedded = await spawnVigil(['--data-dir', dataDir, '--ttl-days', '0'], { VIGIL_LOGS_TEMPLATES_ENABLED: 'false', VIGIL_DETECT_ENABLED: 'false' });
    let embeddedRate: number;
    try {
      await load(embedded.url, 'warmup', PER_REQUEST * CLIENTS);
      embeddedRate = RECORDS / ((await load(embedded.url, 'embedded', RECORDS)) / 1000); // a 2xx there means stored
    } finally {
      await stopProcess(embedded);
      rmSync(dataDir, { recursive: true, force: true });
    }
    console.log(`embedded     stored (acked = committed): ${fmt(embeddedRate)} records/s`);
    console.log(`ratio distributed / embedded: ${(distributedRate / embeddedRate).toFixed(2)} (one writer, one store node, one broker on this machine)`);

    // Burst: 3× the distributed sustainable rate for BURST_SECONDS, then watch the lag drain.
    const target = 3 * distributedRate;
    console.log(`burst: ${fmt(target)} records/s offered for ${BURST_SECONDS} s; consumer lag (messages) every second:`);
    const body = otlpLogs('burst', 'x', PER_REQUEST);
    const t0 = performance.now();
    let sent = 0;
    let acked = 0;
    const senders: Promise<void>[] = [];
    const sampler = (async () => {
      for (let s = 0; ; s++) {
        await sleep(1000);
        const l = await lag();
        console.log(`  t=${String(s + 1).padStart(3)} s  acked ${fmt(acked)} records, lag ${l}`);
        if (performance.now() - t0 > BURST_SECONDS * 1000 && l === 0) return;
      }
    })();
    while (performance.now() - t0 < BURST_SECONDS * 1000) {
      const due = ((performance.now() - t0) / 1000) * target;
      while (sent + PER_REQUEST <= due) {
        sent += PER_REQUEST;
        senders.push(post(gateway.url, body).then(() => void (acked += PER_REQUEST)));
      }
      await sleep(5);
    }
    await Promise.all(senders);
    await sampler;
    console.log(`burst done: ${fmt(acked)} records acked in ${((performance.now() - t0) / 1000).toFixed(1)} s including the drain`);
  } finally {
    await stopProcess(gateway);
    await stopProcess(writer);
    await stopProcess(store);
    rmSync(store.dataDir, { recursive: true, force: true });
    await own?.remove();
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

await main();
