import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactedConfig } from './load.js';
import { envName } from './schema.js';

describe('loadConfig', () => {
  it('layers defaults < file < env < flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, 'server:\n  port: 5000\n  host: 0.0.0.0\nstore:\n  dataDir: /from/file\n');
    const config = loadConfig({
      file,
      env: { VIGIL_SERVER_PORT: '6000', VIGIL_STORE_TTL_DAYS: '7' },
      overrides: { 'server.port': 7000 },
    });
    expect(config['server.port']).toBe(7000);
    expect(config['server.host']).toBe('0.0.0.0');
    expect(config['store.dataDir']).toBe('/from/file');
    expect(config['store.ttlDays']).toBe(7);
    expect(config['log.level']).toBe('info');
  });

  it('names the key of a bad value', () => {
    expect(() => loadConfig({ env: { VIGIL_SERVER_PORT: 'abc' } })).toThrow(/server\.port.*VIGIL_SERVER_PORT.*integer/);
    expect(() => loadConfig({ overrides: { 'store.kind': 'mysql' } })).toThrow(/store\.kind.*one of chdb, clickhouse/);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ server: { prot: 1 } }));
    expect(() => loadConfig({ file })).toThrow(/server\.prot: unknown key/);
  });

  it('maps keys to env names and redacts secrets', () => {
    expect(envName('store.dataDir')).toBe('VIGIL_STORE_DATA_DIR');
    expect(envName('ingest.queue.maxQueuedItems')).toBe('VIGIL_INGEST_QUEUE_MAX_QUEUED_ITEMS');
    const config = loadConfig({ env: { VIGIL_STORE_PASSWORD: 's3cret' } });
    expect(config['store.password']).toBe('s3cret');
    expect(JSON.stringify(redactedConfig(config))).not.toContain('s3cret');
  });

  it('takes VIGIL_CLICKHOUSE_URL for store.url (VIGIL_STORE_URL wins) and never shows a password in it', () => {
    const config = loadConfig({ env: { VIGIL_CLICKHOUSE_URL: 'http://vigil:t0ken@ch:8123', VIGIL_AUTH_INTERNAL_TOKEN: 'tok3n' } });
    expect(config['store.url']).toBe('http://vigil:t0ken@ch:8123');
    const shown = JSON.stringify(redactedConfig(config));
    expect(shown).not.toContain('t0ken');
    expect(shown).not.toContain('tok3n');
    expect(shown).toContain('http://vigil:[redacted]@ch:8123');
    expect(loadConfig({ env: { VIGIL_CLICKHOUSE_URL: 'http://a:8123', VIGIL_STORE_URL: 'http://b:8123' } })['store.url']).toBe('http://b:8123');
  });
});
