/**
 * Vitest global setup: gives the Kafka suites a real broker.
 *
 * - `KAFKA_BROKERS` already set: that broker is used, nothing is started.
 * - `VIGIL_KAFKA_AUTOSTART=0`: nothing is started; Kafka suites skip (or fail under CI).
 * - otherwise a single KRaft node is started by `kafka.sh` on a free loopback port in a temp
 *   directory, and stopped (directory removed) by the returned teardown.
 *
 * The address reaches the test files through `process.env.KAFKA_BROKERS`: vitest 4 builds each
 * forked worker's environment from `process.env` after the global setups ran.
 * Java or Maven missing: under `CI=true` this throws; elsewhere it warns and the suites skip.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaSetupHint } from './kafka-env.js';

const kafkaScript = fileURLToPath(new URL('./kafka.sh', import.meta.url));
/** kafka.sh's exit code for "Java 17+ or Maven not installed". */
const exitPrerequisiteMissing = 3;
/** Cold start fetches ~55 MB of jars before the broker's own start-up (up to 90 s in kafka.sh). */
const startTimeoutMs = 300_000;

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.KAFKA_BROKERS || process.env.VIGIL_KAFKA_AUTOSTART === '0') return undefined;

  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-kafka-'));
  const port = await freePortPair();
  const started = await runKafkaScript([
    'start', '--port', String(port), '--data-dir', dataDir, '--owner-pid', String(process.pid),
  ]);
  if (!started.ok) {
    await rm(dataDir, { recursive: true, force: true });
    if (started.exitCode === exitPrerequisiteMissing && process.env.CI !== 'true') {
      console.warn(`[kafka global setup] ${started.stderr.trim()}\n${kafkaSetupHint}`);
      return undefined;
    }
    const hint = started.exitCode === exitPrerequisiteMissing ? `\n${kafkaSetupHint}` : '';
    throw new Error(`kafka.sh start failed (exit ${started.exitCode}):\n${started.stderr}${hint}`);
  }
  process.env.KAFKA_BROKERS = started.stdout.trim();
  console.log(`[kafka global setup] broker ${process.env.KAFKA_BROKERS} (data in ${dataDir})`);

  return async () => {
    await runKafkaScript(['stop', '--data-dir', dataDir]);
    await rm(dataDir, { recursive: true, force: true });
  };
}

interface ScriptResult {
  ok: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
}

function runKafkaScript(args: string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile('bash', [kafkaScript, ...args], { timeout: startTimeoutMs }, (error, stdout, stderr) => {
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ ok: !error, exitCode, stdout, stderr });
    });
  });
}

/** A free port P whose neighbour P+1 (kafka.sh's first choice for the controller) is free too. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenOnce(0);
    if (port < 65535 && (await listenOnce(port + 1).then(() => true, () => false))) return port;
  }
  throw new Error('no free pair of loopback ports for the Kafka broker');
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}
