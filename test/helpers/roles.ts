import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnVigil, waitForExit, type VigilProcess } from './vigil-process.js';

/** A `store` role process and its ClickHouse HTTP interface. */
export interface StoreRole extends VigilProcess {
  clickhouseUrl: string;
  /** `--clickhouse-url` for the other roles, credentials included. */
  clickhouseUrlWithCredentials: string;
  dataDir: string;
  /** Runs a query on the store through its ClickHouse HTTP interface, rows as JSONEachRow. */
  query<Row = Record<string, string>>(sql: string): Promise<Row[]>;
}

export const INTERNAL_TOKEN = 'test-internal-token';

export async function spawnStoreRole(extraArgs: string[] = []): Promise<StoreRole> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-store-role-'));
  const proc = await spawnVigil(['--role', 'store', '--data-dir', dataDir, '--clickhouse-port', '0', '--ttl-days', '0', ...extraArgs], { VIGIL_AUTH_INTERNAL_TOKEN: INTERNAL_TOKEN });
  const clickhouseUrl = /ClickHouse HTTP interface on (http:\/\/\S+)/.exec(proc.output())![1];
  const withCredentials = new URL(clickhouseUrl);
  withCredentials.username = 'vigil';
  withCredentials.password = INTERNAL_TOKEN;
  return {
    ...proc,
    dataDir,
    clickhouseUrl,
    clickhouseUrlWithCredentials: withCredentials.toString().replace(/\/$/, ''),
    async query<Row>(sql: string): Promise<Row[]> {
      const res = await fetch(`${clickhouseUrl}/?default_format=JSONEachRow`, {
        method: 'POST',
        headers: { 'x-clickhouse-user': 'vigil', 'x-clickhouse-key': INTERNAL_TOKEN },
        body: sql,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`store query failed (${res.status}): ${text}`);
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
    },
  };
}

export function spawnWriter(brokers: string, store: StoreRole, env: NodeJS.ProcessEnv = {}): Promise<VigilProcess> {
  return spawnVigil(['--role', 'writer', '--kafka-brokers', brokers, '--clickhouse-url', store.clickhouseUrlWithCredentials, '--log-level', 'warn'], env);
}

export function spawnDetector(brokers: string, store: StoreRole, env: NodeJS.ProcessEnv = {}): Promise<VigilProcess> {
  return spawnVigil(['--role', 'detector', '--kafka-brokers', brokers, '--clickhouse-url', store.clickhouseUrlWithCredentials, '--log-level', 'warn'], env);
}

export function spawnApi(brokers: string, store: StoreRole, env: NodeJS.ProcessEnv = {}): Promise<VigilProcess> {
  return spawnVigil(['--role', 'api', '--kafka-brokers', brokers, '--clickhouse-url', store.clickhouseUrlWithCredentials, '--log-level', 'warn'], env);
}

export function spawnGateway(brokers: string, env: NodeJS.ProcessEnv = {}): Promise<VigilProcess> {
  return spawnVigil(['--role', 'gateway', '--kafka-brokers', brokers], env);
}

/** Stops a role process (SIGTERM: graceful); one still running after `graceMs` is reported and SIGKILLed. */
export async function stopProcess(proc: VigilProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 30_000): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const exited = waitForExit(proc.child);
  const late = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
  if (late) {
    console.warn(`process ${proc.child.pid} (${proc.url}) did not stop within ${graceMs} ms of ${signal}; killing it. Output tail:\n${proc.output().slice(-2000)}`);
    proc.child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Sends SIGTERM and waits up to `boundMs` for the process to exit by itself: its exit code and
 * how long it took, or undefined when it did not (it is then SIGKILLed, so nothing leaks).
 */
export async function terminate(proc: VigilProcess, boundMs: number): Promise<{ code: number | null; elapsedMs: number } | undefined> {
  const startedMs = Date.now();
  proc.child.kill('SIGTERM');
  const exited = waitForExit(proc.child);
  const code = await Promise.race([exited, new Promise<'late'>((r) => setTimeout(() => r('late'), boundMs).unref())]);
  if (code !== 'late') return { code, elapsedMs: Date.now() - startedMs };
  proc.child.kill('SIGKILL');
  await exited;
  return undefined;
}

/** An OTLP/JSON logs request of `n` records with bodies `<prefix>-<i>`, timestamped now. */
export function otlpLogs(service: string, prefix: string, n: number): string {
  const now = BigInt(Date.now()) * 1_000_000n;
  const logRecords = Array.from({ length: n }, (_, i) => ({ timeUnixNano: String(now + BigInt(i)), severityText: 'INFO', body: { stringValue: `${prefix}-${i}` } }));
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords }] }] });
}
