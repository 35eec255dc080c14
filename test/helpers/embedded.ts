import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../api/config/load.js';
import type { ConfigKey } from '../../api/config/schema.js';
import { startVigil, type Vigil } from '../../api/engine.js';
import { createLogger } from '../../api/logger.js';

export interface TestVigil extends Vigil {
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts an embedded Vigil on a free loopback port with a fresh data directory: zero-config
 * (no tokens on loopback), the ClickHouse endpoint off so tests run side by side (turn it on
 * with `'clickhouse.enabled': true, 'clickhouse.port': 0`).
 */
export async function startTestVigil(overrides: Partial<Record<ConfigKey, unknown>> = {}): Promise<TestVigil> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  const config = loadConfig({
    env: {},
    // TTL off: fixtures carry fixed historical timestamps that a TTL would drop on insert.
    overrides: { 'server.port': 0, 'clickhouse.enabled': false, 'store.dataDir': dataDir, 'store.ttlDays': 0, 'log.level': process.env.VIGIL_TEST_LOG_LEVEL ?? 'silent', ...overrides },
  });
  const vigil = await startVigil(config, createLogger(config['log.level']));
  return Object.assign(vigil, {
    dataDir,
    async stop() {
      await vigil.close();
      // Retried: chDB's background threads can still be finishing a part file as the engine closes.
      rmSync(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  });
}

export async function getJson<T = any>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
