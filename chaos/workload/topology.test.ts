import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './durations.js';
import { DEFAULT_TOPOLOGY, loadTopologyFile, renderTopology, resolveTopology } from './topology.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('default topology', () => {
  it('has the shop services, peers of every kind and the calls of the issue', () => {
    const kinds = Object.fromEntries(DEFAULT_TOPOLOGY.services.map((s) => [s.name, s.kind]));
    expect(kinds).toEqual({
      frontend: 'service', checkout: 'service', payments: 'service', inventory: 'service',
      postgres: 'database', redis: 'cache', 'orders-queue': 'queue', 'card-gateway': 'external',
    });
    const calls = DEFAULT_TOPOLOGY.services.flatMap((s) => s.calls.map((c) => `${s.name}->${c.to}`));
    expect(calls.sort()).toEqual([
      'checkout->inventory', 'checkout->orders-queue', 'checkout->payments', 'frontend->checkout', 'frontend->inventory',
      'inventory->postgres', 'inventory->redis', 'payments->card-gateway', 'payments->postgres',
    ]);
  });

  it('renders as a call tree from the entry service', () => {
    const tree = renderTopology(DEFAULT_TOPOLOGY).split('\n');
    expect(tree[0]).toBe('frontend  service 1.8.2  GET /shop');
    expect(tree[1]).toBe('├── checkout  service 2.4.0  POST /api/checkout  (30% of requests)');
    expect(tree).toContain('│   │   ├── postgres  database postgresql');
    expect(tree).toContain('│   └── orders-queue  queue kafka topic orders');
    expect(tree.at(-1)).toBe('    └── postgres  database postgresql  (30% of requests)');
  });
});

describe('topology files', () => {
  it('loads YAML with defaults filled in', async () => {
    const file = join(dir, 'shop.yaml');
    writeFileSync(file, `environment: staging
entry: web
services:
  - name: web
    route: GET /
    latencyMs: 5
    calls:
      - { to: api, probability: 0.5 }
  - name: api
    version: 2.0.0
    calls:
      - { to: db, operation: SELECT users }
      - to: cache
  - { name: db, kind: database, namespace: users }
  - { name: cache, kind: cache }
`);
    const topology = await loadTopologyFile(file);
    expect(topology.environment).toBe('staging');
    const api = topology.services.find((s) => s.name === 'api')!;
    expect(api).toMatchObject({ kind: 'service', version: '2.0.0', route: 'GET /api/api', port: 8080, latencyMs: 10, errorRate: 0 });
    expect(api.calls).toEqual([{ to: 'db', probability: 1, operation: 'SELECT users' }, { to: 'cache', probability: 1, operation: 'GET' }]);
    expect(topology.services.find((s) => s.name === 'db')).toMatchObject({ system: 'postgresql', port: 5432, namespace: 'users' });
    expect(topology.services[0].calls[0].operation).toBe('GET /api/api');
  });

  it('loads JSON and names the field at fault in a bad file', async () => {
    const good = join(dir, 'one.json');
    writeFileSync(good, JSON.stringify({ services: [{ name: 'solo' }] }));
    expect((await loadTopologyFile(good)).entry).toBe('solo');
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ services: [{ name: 'a', calls: [{ to: 'b' }] }] }));
    await expect(loadTopologyFile(bad)).rejects.toThrow(`${bad}: services[0].calls[0].to: no service named "b"`);
  });

  it('refuses cycles, duplicate names, bad kinds, calls from peers and the reserved canary name', () => {
    expect(() => resolveTopology({ services: [{ name: 'a', calls: [{ to: 'b' }] }, { name: 'b', calls: [{ to: 'a' }] }] })).toThrow('calls: cycle a → b → a');
    expect(() => resolveTopology({ services: [{ name: 'a' }, { name: 'a' }] })).toThrow('services[1].name: "a" is defined twice');
    expect(() => resolveTopology({ services: [{ name: 'a', kind: 'mainframe' as never }] })).toThrow('services[0].kind');
    expect(() => resolveTopology({ services: [{ name: 'a' }, { name: 'db', kind: 'database', calls: [{ to: 'a' }] }] })).toThrow('services[1].calls: only instrumented');
    expect(() => resolveTopology({ services: [{ name: 'vigil-canary' }] })).toThrow('reserved');
    expect(() => resolveTopology({ services: [{ name: 'a', calls: [{ to: 'a', probability: 2 }] }] })).toThrow('services[0].calls[0].probability');
  });
});

describe('durations', () => {
  it('parses and formats 500ms, 30s, 2m, 1h30m and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(() => parseDuration('2 minutes', '--warmup')).toThrow('--warmup: "2 minutes" is not a duration');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(3_600_000)).toBe('1h');
  });
});
