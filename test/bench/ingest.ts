/**
 * `npm run bench:ingest` — end-to-end ingest throughput of an embedded Vigil.
 *
 * Concurrent HTTP clients send OTLP/protobuf log batches to a Vigil process until N
 * records are committed (every 200 means committed). In the same run, the baseline:
 * the raw chDB insert rate of the same rows as JSONEachRow (already encoded, large
 * batches, no HTTP, no decoding), into the same table, and Vigil again with log template
 * mining off (its cost). A second baseline inserts the same rows the way Vigil encodes
 * them (JSONCompactEachRow), so the engine's own share of the cost shows too. Prints
 * medians over runs.
 *
 * Flags: --records N (per run, default 1,000,000) --runs R (default 3)
 *        --clients C (default 64: a fleet of agents, each with one request in flight)
 *        --batch B (records per request, default 1000)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { ChdbStore, migrate } from '../../analytics/index.js';
import { COMPACT_COLUMNS, decodeLogs, encodeEnvelope } from '../../ingest/index.js';
import { spawnVigil, waitForExit } from '../helpers/vigil-process.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    clients: { type: 'string', default: '64' },
    batch: { type: 'string', default: '1000' },
  },
});
const RECORDS = Number(values.records);
const RUNS = Number(values.runs);
const CLIENTS = Number(values.clients);
const BATCH = Number(values.batch);
const DISTINCT_PAYLOADS = 16;

const LIMITS = { maxBodyBytes: 64 << 20, maxAttributes: 128, maxStringBytes: 65536, maxBodyStringBytes: 1 << 20, maxItemsPerRequest: 100_000 };

/** Realistic OTLP/protobuf requests made by the OpenTelemetry JS SDK itself. */
function makePayloads(): Uint8Array[] {
  const services = ['checkout', 'payments', 'cart', 'search', 'auth', 'shipping'];
  const payloads: Uint8Array[] = [];
  for (let p = 0; p < DISTINCT_PAYLOADS; p++) {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': services[p % services.length], 'host.name': `node-${p % 4}`, 'deployment.environment': 'bench' }),
      processors: [new SimpleLogRecordProcessor({ exporter })],
    });
    const logger = provider.getLogger('bench', '1.0.0');
    for (let i = 0; i < BATCH; i++) {
      const error = i % 50 === 0;
      logger.emit({
        timestamp: [1767225600 + p * 60 + Math.floor(i / 100), (i % 100) * 10_000_000],
        severityNumber: error ? SeverityNumber.ERROR : SeverityNumber.INFO,
        severityText: error ? 'ERROR' : 'INFO',
        body: error
          ? `payment ${p * BATCH + i} failed: upstream timeout after ${100 + (i % 900)} ms (attempt ${1 + (i % 3)})`
          : `GET /api/cart/${(p * 7919 + i) % 100000} 200 ${1 + (i % 250)}ms user=${(i * 31) % 5000}`,
        attributes: { 'http.method': 'GET', 'http.status_code': error ? 500 : 200, 'user.id': String((i * 31) % 5000) },
      });
    }
    payloads.push(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
  }
  return payloads;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Raw chDB: the same rows, already encoded (JSONEachRow, or Vigil's JSONCompactEachRow), inserted in 100k-row batches. */
async function rawChdbRun(store: ChdbStore, encoded: Buffer[], format: 'JSONEachRow' | 'JSONCompactEachRow'): Promise<number> {
  const perInsert = Math.max(1, Math.floor(100_000 / BATCH));
  const parts: Buffer[] = [];
  for (let i = 0; i < perInsert; i++) parts.push(...(i ? [Buffer.from('\n')] : []), encoded[i % encoded.length]);
  const chunk = Buffer.concat(parts);
  const rowsPerChunk = perInsert * BATCH;
  const columns = format === 'JSONCompactEachRow' ? COMPACT_COLUMNS.otel_logs : undefined;
  const started = performance.now();
  let rows = 0;
  for (let n = 0; rows < RECORDS; n++) {
    await store.insertRows('otel_logs', chunk, { format, columns, dedupToken: `raw-${format}-${Date.now()}-${n}` });
    rows += rowsPerChunk;
  }
  return rows / ((performance.now() - started) / 1000);
}

/**
 * CPU time (user + system, all threads: JS and the engine) a process has used, in ms, from
 * /proc; undefined where there is none. Other work sharing the machine's cores moves it far
 * less than it moves the rates, so before/after comparisons on a busy machine use it.
 */
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every mainstream Linux build). */
const CLOCK_TICKS_PER_SECOND = 100;

async function endToEndRun(payloads: Uint8Array[], templates: boolean): Promise<{ rate: number; latenciesMs: number[]; cpuMsPer1000?: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const vigil = await spawnVigil(['--data-dir', dataDir, '--ttl-days', '0'], { VIGIL_LOGS_TEMPLATES_ENABLED: String(templates) });
  const latenciesMs: number[] = [];
  let sent = 0;
  let acked = 0;
  const started = performance.now();
  const cpuBefore = cpuMs(vigil.child.pid);
  try {
    await Promise.all(Array.from({ length: CLIENTS }, async (_, c) => {
      while (sent < RECORDS) {
        sent += BATCH;
        const body = payloads[(sent / BATCH + c) % payloads.length];
        for (;;) {
          const t0 = performance.now();
          const res = await fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
          await res.arrayBuffer();
          if (res.status === 200) {
            latenciesMs.push(performance.now() - t0);
            acked += BATCH;
            break;
          }
          if (res.status !== 429 && res.status !== 503) throw new Error(`unexpected ${res.status}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const stats = (await (await fetch(`${vigil.url}/api/v1/stats`)).json()) as { logs: number };
    if (stats.logs !== acked) throw new Error(`committed ${stats.logs} rows but ${acked} were acknowledged`);
    const cpuAfter = cpuMs(vigil.child.pid);
    const cpuMsPer1000 = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / (acked / 1000);
    return { rate: acked / seconds, latenciesMs, cpuMsPer1000 };
  } finally {
    vigil.child.kill('SIGTERM');
    await waitForExit(vigil.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Ingest-to-queryable latency at a steady load below capacity: requests are sent on a
 * fixed schedule (open loop, not waiting for answers) at `ratePerSec` records/s for
 * `seconds`; a 200 means the rows are committed and queryable.
 */
async function latencyAtLoad(payloads: Uint8Array[], ratePerSec: number, seconds: number): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-lat-'));
  const vigil = await spawnVigil(['--data-dir', dataDir, '--ttl-days', '0']);
  const latenciesMs: number[] = [];
  const intervalMs = (1000 * BATCH) / ratePerSec;
  const inFlight: Promise<void>[] = [];
  try {
    const started = performance.now();
    for (let i = 0; performance.now() - started < seconds * 1000; i++) {
      const due = started + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const t0 = performance.now();
      inFlight.push(
        fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: payloads[i % payloads.length] })
          .then(async (res) => {
            await res.arrayBuffer();
            if (res.status === 200) latenciesMs.push(performance.now() - t0);
          }),
      );
    }
    await Promise.all(inFlight);
    return latenciesMs;
  } finally {
    vigil.child.kill('SIGTERM');
    await waitForExit(vigil.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  console.log(`bench:ingest — ${RECORDS.toLocaleString()} OTLP/protobuf log records per run, ${CLIENTS} clients, ${BATCH} records/request, ${RUNS} runs (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`);
  const payloads = makePayloads();
  const decoded = payloads.map((p) => decodeLogs(Buffer.from(p), 'protobuf', LIMITS).rows);
  const encoded = decoded.map((rows) => Buffer.from((rows.otel_logs ?? []).map((r) => JSON.stringify(r)).join('\n')));
  const compact = decoded.map((rows) => encodeEnvelope(rows).tables.otel_logs!.body);
  console.log(`request size ${(payloads[0].byteLength / 1024).toFixed(0)} KiB protobuf, ${(encoded[0].length / 1024).toFixed(0)} KiB as JSONEachRow, ${(compact[0].length / 1024).toFixed(0)} KiB as JSONCompactEachRow`);

  const rawDir = mkdtempSync(join(tmpdir(), 'vigil-bench-raw-'));
  const store = new ChdbStore(rawDir);
  await migrate(store, { ttlDays: 0 });
  const e2eRates: number[] = [];
  const plainRates: number[] = [];
  const rawRates: number[] = [];
  const compactRates: number[] = [];
  const allLatencies: number[] = [];
  const cpuPer1000: number[] = [];
  try {
    for (let run = 1; run <= RUNS; run++) {
      const raw = await rawChdbRun(store, encoded, 'JSONEachRow');
      const rawCompact = await rawChdbRun(store, compact, 'JSONCompactEachRow');
      const e2e = await endToEndRun(payloads, true);
      const plain = await endToEndRun(payloads, false);
      rawRates.push(raw);
      compactRates.push(rawCompact);
      e2eRates.push(e2e.rate);
      plainRates.push(plain.rate);
      allLatencies.push(...e2e.latenciesMs);
      if (e2e.cpuMsPer1000 !== undefined) cpuPer1000.push(e2e.cpuMsPer1000);
      console.log(`run ${run}: end-to-end ${Math.round(e2e.rate).toLocaleString()} records/s (without template mining ${Math.round(plain.rate).toLocaleString()}), raw chDB ${Math.round(raw).toLocaleString()} rows/s (JSONCompactEachRow ${Math.round(rawCompact).toLocaleString()}), ratio ${(e2e.rate / raw).toFixed(2)}, p99 ack ${quantile(e2e.latenciesMs, 0.99).toFixed(0)} ms${e2e.cpuMsPer1000 === undefined ? '' : `, Vigil CPU ${e2e.cpuMsPer1000.toFixed(0)} ms per 1000 records`}, load average ${loadavg()[0].toFixed(1)}`);
    }
  } finally {
    await store.close();
    rmSync(rawDir, { recursive: true, force: true });
  }
  const e2e = median(e2eRates);
  const raw = median(rawRates);
  console.log('');
  console.log(`median end-to-end:   ${Math.round(e2e).toLocaleString()} log records/s (goal ≥ 150,000)`);
  const plain = median(plainRates);
  console.log(`  without mining:    ${Math.round(plain).toLocaleString()} log records/s (mining costs ${(100 * (1 - e2e / plain)).toFixed(0)}%; goal ≤ 20%)`);
  console.log(`median raw chDB:     ${Math.round(raw).toLocaleString()} rows/s (JSONEachRow, 100k-row inserts)`);
  console.log(`ratio:               ${(e2e / raw).toFixed(2)} (goal ≥ 0.5)`);
  const rawCompact = median(compactRates);
  console.log(`median raw chDB:     ${Math.round(rawCompact).toLocaleString()} rows/s (JSONCompactEachRow, Vigil's own encoding; end-to-end is ${(e2e / rawCompact).toFixed(2)} of it)`);
  if (cpuPer1000.length > 0) console.log(`Vigil CPU time:      ${median(cpuPer1000).toFixed(0)} ms per 1000 records end to end (all threads: receivers, mining, engine; less sensitive than the rates to other work sharing the cores)`);
  console.log(`ack latency at saturation (${CLIENTS} clients): p50 ${quantile(allLatencies, 0.5).toFixed(0)} ms, p99 ${quantile(allLatencies, 0.99).toFixed(0)} ms`);
  const steadyRate = Math.round(e2e / 2);
  const steady = await latencyAtLoad(payloads, steadyRate, 15);
  console.log(`ingest-to-queryable at a steady ${steadyRate.toLocaleString()} records/s (half the measured capacity, 15 s): p50 ${quantile(steady, 0.5).toFixed(0)} ms, p99 ${quantile(steady, 0.99).toFixed(0)} ms (a 200 is sent only after commit; goal p99 < 2000 ms)`);
}

await main();
