import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';

/**
 * The shape of the simulated system. Only `service`s are instrumented (they emit server
 * spans, logs and metrics); databases, caches, queues and externals are uninstrumented
 * peers that exist only as their callers' CLIENT (or PRODUCER) spans, as in a real fleet.
 */
export type ServiceKind = 'service' | 'database' | 'cache' | 'queue' | 'external';
export const SERVICE_KINDS: readonly ServiceKind[] = ['service', 'database', 'cache', 'queue', 'external'];

export interface Call {
  to: string;
  /** Chance that one request of the caller makes this call. */
  probability: number;
  /** Span name of the call to a peer (`SELECT orders`, `GET`, `send orders`); an instrumented callee's route otherwise. */
  operation: string;
}

export interface Service {
  name: string;
  kind: ServiceKind;
  /** Median of the service's own time per request in ms (lognormal around it). */
  latencyMs: number;
  /** Baseline share of requests that fail. */
  errorRate: number;
  /** Instrumented services: `service.version`, HTTP route (`POST /api/checkout`), port, INFO log templates, calls. */
  version: string;
  route: string;
  port: number;
  logs: string[];
  calls: Call[];
  /** Peers: `db.system` / `messaging.system` (postgresql, redis, kafka), `db.namespace`, queue topic, `server.address`. */
  system: string;
  namespace: string;
  destination: string;
  address: string;
}

export interface Topology {
  environment: string;
  /** The service every simulated request enters through. */
  entry: string;
  services: Service[];
}

/** A topology as written in a file: everything but `name` and `kind` has a default. */
export interface TopologySpec {
  environment?: string;
  entry?: string;
  services: Array<Partial<Omit<Service, 'calls'>> & { name: string; kind?: ServiceKind; calls?: Array<Partial<Call> & { to: string }> }>;
}

/** Service name of the numbered canary log stream; no topology may use it. */
export const CANARY_SERVICE = 'vigil-canary';

const PEER_DEFAULTS: Record<Exclude<ServiceKind, 'service'>, { port: number; system: string; operation: string }> = {
  database: { port: 5432, system: 'postgresql', operation: 'SELECT' },
  cache: { port: 6379, system: 'redis', operation: 'GET' },
  queue: { port: 9092, system: 'kafka', operation: 'send' },
  external: { port: 443, system: '', operation: 'POST' },
};

/**
 * The default shop: frontend → checkout/inventory → payments → postgres, redis, a Kafka
 * topic and an external card gateway. Latencies and error rates are those of a healthy
 * small web shop; INFO lines carry variable parts so log mining has something to do.
 */
export const DEFAULT_TOPOLOGY_SPEC: TopologySpec = {
  environment: 'production',
  entry: 'frontend',
  services: [
    {
      name: 'frontend', kind: 'service', version: '1.8.2', route: 'GET /shop', latencyMs: 8, errorRate: 0.001,
      logs: ['GET /shop user {user} rendered page in {ms} ms', 'served product page {sku} to user {user} in {ms} ms'],
      calls: [{ to: 'checkout', probability: 0.3 }, { to: 'inventory', probability: 0.9 }],
    },
    {
      name: 'checkout', kind: 'service', version: '2.4.0', route: 'POST /api/checkout', latencyMs: 12, errorRate: 0.002,
      logs: ['order {id} placed by user {user}: {n} items, total {amount} EUR', 'checkout session {id} completed in {ms} ms'],
      calls: [
        { to: 'payments' },
        { to: 'inventory' },
        { to: 'orders-queue', operation: 'send orders' },
      ],
    },
    {
      name: 'payments', kind: 'service', version: '3.1.7', route: 'POST /api/payments', latencyMs: 25, errorRate: 0.003,
      logs: ['payment {id} authorised: {amount} EUR in {ms} ms', 'card token {hex} verified for order {id}'],
      calls: [
        { to: 'postgres', operation: 'INSERT payments' },
        { to: 'card-gateway', operation: 'POST' },
      ],
    },
    {
      name: 'inventory', kind: 'service', version: '1.12.0', route: 'POST /api/inventory/reserve', latencyMs: 6, errorRate: 0.001,
      logs: ['order {id} reserved {n} items in {ms} ms', 'stock for {sku} at {n} units'],
      calls: [
        { to: 'redis', operation: 'GET' },
        { to: 'postgres', probability: 0.3, operation: 'SELECT inventory' },
      ],
    },
    { name: 'postgres', kind: 'database', system: 'postgresql', namespace: 'shop', latencyMs: 4, errorRate: 0.0005 },
    { name: 'redis', kind: 'cache', system: 'redis', latencyMs: 0.8, errorRate: 0.0002 },
    { name: 'orders-queue', kind: 'queue', system: 'kafka', destination: 'orders', latencyMs: 3, errorRate: 0.0005 },
    { name: 'card-gateway', kind: 'external', address: 'api.card-gateway.example', latencyMs: 120, errorRate: 0.005 },
  ],
};

export const DEFAULT_TOPOLOGY: Topology = resolveTopology(DEFAULT_TOPOLOGY_SPEC);

export class TopologyError extends Error {
  override name = 'TopologyError';
}

/** Reads a topology from a YAML or JSON file (the format is the `TopologySpec` shape; see README). */
export async function loadTopologyFile(path: string): Promise<Topology> {
  const text = await readFile(path, 'utf8');
  let spec: unknown;
  try {
    spec = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new TopologyError(`${path}: ${(err as Error).message}`);
  }
  try {
    return resolveTopology(spec as TopologySpec);
  } catch (err) {
    throw new TopologyError(`${path}: ${(err as Error).message}`);
  }
}

/** Validates a spec and fills in defaults; every error names the field at fault. */
export function resolveTopology(spec: TopologySpec): Topology {
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.services) || spec.services.length === 0) {
    throw new TopologyError('services: expected a non-empty list');
  }
  const services = spec.services.map((s, i) => resolveService(s, `services[${i}]`));
  const byName = new Map<string, Service>();
  for (const [i, s] of services.entries()) {
    if (byName.has(s.name)) throw new TopologyError(`services[${i}].name: "${s.name}" is defined twice`);
    byName.set(s.name, s);
  }
  for (const [i, s] of services.entries()) {
    for (const [j, call] of s.calls.entries()) {
      const callee = byName.get(call.to);
      if (!callee) throw new TopologyError(`services[${i}].calls[${j}].to: no service named "${call.to}"`);
      if (call.operation === '') call.operation = callee.kind === 'service' ? callee.route : PEER_DEFAULTS[callee.kind].operation;
    }
  }
  const entry = spec.entry ?? services.find((s) => s.kind === 'service')?.name ?? '';
  if (byName.get(entry)?.kind !== 'service') throw new TopologyError(`entry: "${entry}" is not an instrumented service of this topology`);
  const topology: Topology = { environment: spec.environment ?? 'production', entry, services };
  checkAcyclic(topology);
  return topology;
}

function resolveService(raw: TopologySpec['services'][number], where: string): Service {
  if (!raw || typeof raw.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(raw.name)) {
    throw new TopologyError(`${where}.name: expected a name of letters, digits, '.', '_' or '-'`);
  }
  if (raw.name === CANARY_SERVICE) throw new TopologyError(`${where}.name: "${CANARY_SERVICE}" is reserved for the canary stream`);
  const kind = raw.kind ?? 'service';
  if (!SERVICE_KINDS.includes(kind)) throw new TopologyError(`${where}.kind: "${kind}" is not one of ${SERVICE_KINDS.join(', ')}`);
  const latencyMs = raw.latencyMs ?? (kind === 'service' ? 10 : 2);
  if (!(latencyMs > 0)) throw new TopologyError(`${where}.latencyMs: expected a positive number`);
  const errorRate = raw.errorRate ?? 0;
  if (!(errorRate >= 0 && errorRate <= 1)) throw new TopologyError(`${where}.errorRate: expected a number from 0 to 1`);
  const calls = (raw.calls ?? []).map((c, j) => {
    if (!c || typeof c.to !== 'string') throw new TopologyError(`${where}.calls[${j}].to: expected a service name`);
    const probability = c.probability ?? 1;
    if (!(probability >= 0 && probability <= 1)) throw new TopologyError(`${where}.calls[${j}].probability: expected a number from 0 to 1`);
    return { to: c.to, probability, operation: c.operation ?? '' };
  });
  if (kind !== 'service' && calls.length > 0) throw new TopologyError(`${where}.calls: only instrumented services (kind service) make calls`);
  const peer = kind === 'service' ? undefined : PEER_DEFAULTS[kind];
  return {
    name: raw.name,
    kind,
    latencyMs,
    errorRate,
    version: raw.version ?? '1.0.0',
    route: raw.route ?? `GET /api/${raw.name}`,
    port: raw.port ?? peer?.port ?? 8080,
    logs: raw.logs ?? [`${raw.route ?? `GET /api/${raw.name}`} request {id} handled in {ms} ms`],
    calls,
    system: raw.system ?? peer?.system ?? '',
    namespace: raw.namespace ?? '',
    destination: raw.destination ?? raw.name,
    address: raw.address ?? raw.name,
  };
}

function checkAcyclic(topology: Topology): void {
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]) => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new TopologyError(`calls: cycle ${[...path, name].join(' → ')}`);
    state.set(name, 'visiting');
    for (const call of byName.get(name)!.calls) visit(call.to, [...path, name]);
    state.set(name, 'done');
  };
  for (const s of topology.services) visit(s.name, []);
}

export function serviceByName(topology: Topology, name: string): Service | undefined {
  return topology.services.find((s) => s.name === name);
}

/** The call tree from the entry service, one line per call, for people to read. */
export function renderTopology(topology: Topology): string {
  const byName = new Map(topology.services.map((s) => [s.name, s]));
  const lines: string[] = [];
  const describe = (s: Service) => {
    if (s.kind === 'service') return `${s.name}  service ${s.version}  ${s.route}`;
    const detail = s.kind === 'queue' ? `${s.system} topic ${s.destination}` : s.kind === 'external' ? s.address : s.system;
    return `${s.name}  ${s.kind}${detail ? ` ${detail}` : ''}`;
  };
  const walk = (s: Service, prefix: string) => {
    s.calls.forEach((call, i) => {
      const last = i === s.calls.length - 1;
      const callee = byName.get(call.to)!;
      const share = call.probability < 1 ? `  (${Math.round(call.probability * 100)}% of requests)` : '';
      lines.push(`${prefix}${last ? '└── ' : '├── '}${describe(callee)}${share}`);
      walk(callee, prefix + (last ? '    ' : '│   '));
    });
  };
  const entry = byName.get(topology.entry)!;
  lines.push(describe(entry));
  walk(entry, '');
  return lines.join('\n');
}
