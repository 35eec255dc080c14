import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/programs.js';

const kafkaScript = fileURLToPath(new URL('../kafka/kafka.sh', import.meta.url));

/**
 * A broker this test owns (its own data directory and port), so it can stop and start it without
 * disturbing the shared one. Same jars as the global setup (kafka.sh's cache).
 */
export class OwnBroker {
  private constructor(readonly dataDir: string, readonly port: number) {}

  static async start(): Promise<OwnBroker> {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-own-kafka-'));
    const broker = new OwnBroker(dataDir, await freePort());
    await broker.up();
    return broker;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  up(): Promise<void> {
    return run(['start', '--port', String(this.port), '--data-dir', this.dataDir, '--owner-pid', String(process.pid)]);
  }

  down(): Promise<void> {
    return run(['stop', '--data-dir', this.dataDir]);
  }

  async remove(): Promise<void> {
    await this.down().catch(() => undefined);
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [kafkaScript, ...args], { timeout: 180_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`kafka.sh ${args[0]}: ${stderr}`)) : resolve()));
  });
}
