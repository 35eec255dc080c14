import type { Failure } from './faults.js';
import { formatMs, renderLine } from './log-lines.js';
import type { ServiceMetrics } from './metrics.js';
import type { Random } from './random.js';
import { SpanKind, StatusCode, type Attributes, type LogRecord, type Resource, type SeverityText, type SpanRecord, type TelemetryBatch } from './records.js';
import type { Call, Service } from './topology.js';

/** The merged effect of every fault active on one service during a tick. */
export interface ServiceEffects {
  addedLatencyMs: number;
  failure?: Failure;
  down: boolean;
  saturation: number;
  logFactor: number;
}

/** What request simulation reads and writes; the simulation provides it per tick. */
export interface RequestWorld {
  rng: Random;
  service(name: string): Service;
  effects(name: string): ServiceEffects;
  resource(name: string): Resource;
  metrics(name: string): ServiceMetrics;
  out: TelemetryBatch;
}

interface Outcome {
  endUs: number;
  ok: boolean;
  /** HTTP status, 0 when no response came (connection refused, timeout). */
  status: number;
  errorType: string;
}

/** Baseline failures of an instrumented service (a bug that shows up now and then). */
const BASELINE_FAILURE: Failure = { rate: 0, errorType: 'InternalError', log: 'request {id} failed in {route}: internal error, see stack trace' };
/** How a peer of each kind fails: `error.type` (and the database's SQLSTATE). */
const PEER_ERRORS: Record<Exclude<Service['kind'], 'service'>, { errorType: string; status: number }> = {
  database: { errorType: '40001', status: 0 },
  cache: { errorType: 'timeout', status: 0 },
  queue: { errorType: 'timeout', status: 0 },
  external: { errorType: '502', status: 502 },
};
const UPSTREAM_FAILURE_LOG = 'call to {callee} failed with {errorType} after {ms} ms, answering {status}';
const CONNECTION_REFUSED_LOG = 'connection to {callee} at {address}:{port} refused, request {id} aborted';

/**
 * Simulates one request entering `entry` at `startUs`: a trace with a SERVER span in each
 * instrumented service it reaches, a CLIENT (PRODUCER for queues) span in the caller for
 * every call, children nested inside their parents, and the logs and metrics each
 * service would write for it.
 */
export function simulateRequest(world: RequestWorld, entry: string, startUs: number): void {
  serve(world, world.service(entry), world.rng.hex(16), '', startUs);
}

function serve(world: RequestWorld, service: Service, traceId: string, parentSpanId: string, startUs: number): Outcome {
  const { rng } = world;
  const fx = world.effects(service.name);
  const spanId = rng.hex(8);
  const cpuMs = rng.lognormal(service.latencyMs);
  const ownMs = cpuMs * (1 + 3 * fx.saturation) + fx.addedLatencyMs;
  let t = startUs + Math.round(ownMs * 300);
  let upstream: { call: Call; outcome: Outcome } | undefined;
  for (const call of service.calls) {
    if (!rng.chance(call.probability)) continue;
    const outcome = callOut(world, service, call, traceId, spanId, t);
    t = outcome.endUs + rng.int(20, 200);
    if (!outcome.ok) {
      upstream = { call, outcome };
      break;
    }
  }
  let failure: Failure | undefined;
  if (!upstream) {
    if (fx.failure && rng.chance(fx.failure.rate)) failure = fx.failure;
    else if (rng.chance(service.errorRate)) failure = BASELINE_FAILURE;
  }
  const endUs = t + Math.round(ownMs * 700);
  const status = upstream ? 502 : failure ? 500 : 200;
  const errorType = upstream ? '502' : failure ? failure.errorType : '';
  const [method, path] = splitRoute(service.route);
  const attributes: Attributes = {
    'http.request.method': method, 'http.route': path, 'url.path': path, 'url.scheme': 'http',
    'server.address': service.name, 'server.port': service.port, 'http.response.status_code': status,
  };
  if (errorType) attributes['error.type'] = errorType;
  const span = pushSpan(world, service.name, { traceId, spanId, parentSpanId, name: service.route, kind: SpanKind.SERVER, startUs, endUs, attributes });
  const durationMs = (endUs - startUs) / 1000;
  const values = { ms: formatMs(durationMs), route: service.route, service: service.name, status };
  if (failure) {
    span.status = { code: StatusCode.ERROR, message: `${failure.errorType} in ${service.route}` };
    span.events.push({ timeUs: endUs, name: 'exception', attributes: { 'exception.type': failure.errorType, 'exception.message': `request failed in ${service.route}` } });
    pushLog(world, service.name, 'ERROR', renderLine(failure.log, rng, { ...values, errorType: failure.errorType }), endUs, traceId, spanId);
  } else if (upstream) {
    span.status = { code: StatusCode.ERROR, message: `upstream ${upstream.call.to} failed` };
    const callee = world.service(upstream.call.to);
    const line = upstream.outcome.errorType === 'ECONNREFUSED'
      ? renderLine(CONNECTION_REFUSED_LOG, rng, { callee: callee.name, address: callee.address, port: callee.port })
      : renderLine(UPSTREAM_FAILURE_LOG, rng, { ...values, callee: callee.name, errorType: upstream.outcome.errorType });
    pushLog(world, service.name, 'ERROR', line, endUs, traceId, spanId);
  } else {
    for (let i = 0; i < fx.logFactor; i++) {
      const at = i === 0 ? endUs : startUs + rng.int(0, Math.max(1, endUs - startUs));
      pushLog(world, service.name, 'INFO', renderLine(rng.pick(service.logs), rng, values), at, traceId, spanId);
    }
  }
  world.metrics(service.name).recordRequest(durationMs, cpuMs);
  return { endUs, ok: status < 500, status, errorType };
}

function callOut(world: RequestWorld, caller: Service, call: Call, traceId: string, parentSpanId: string, startUs: number): Outcome {
  const { rng } = world;
  const callee = world.service(call.to);
  const fx = world.effects(callee.name);
  const spanId = rng.hex(8);
  const kind = callee.kind === 'queue' ? SpanKind.PRODUCER : SpanKind.CLIENT;
  const attributes = peerAttributes(callee, call);
  let outcome: Outcome;
  if (fx.down) {
    outcome = { endUs: startUs + rng.int(300, 3000), ok: false, status: 0, errorType: 'ECONNREFUSED' };
  } else if (callee.kind === 'service') {
    const served = serve(world, callee, traceId, spanId, startUs + rng.int(200, 800));
    outcome = { ...served, endUs: served.endUs + rng.int(200, 800), errorType: served.ok ? '' : String(served.status) };
  } else {
    const latencyMs = rng.lognormal(callee.latencyMs) + fx.addedLatencyMs;
    const fails = (fx.failure !== undefined && rng.chance(fx.failure.rate)) || rng.chance(callee.errorRate);
    const peerError = PEER_ERRORS[callee.kind];
    outcome = fails
      ? { endUs: startUs + Math.round(latencyMs * 1000), ok: false, status: peerError.status, errorType: peerError.errorType }
      : { endUs: startUs + Math.round(latencyMs * 1000), ok: true, status: callee.kind === 'external' ? 200 : 0, errorType: '' };
    if (callee.kind === 'database') world.metrics(caller.name).recordPoolUse(callee.name, latencyMs);
  }
  if (outcome.status > 0) attributes['http.response.status_code'] = outcome.status;
  if (!outcome.ok) {
    attributes['error.type'] = outcome.errorType;
    if (callee.kind === 'database' && outcome.errorType !== 'ECONNREFUSED') attributes['db.response.status_code'] = outcome.errorType;
  }
  const span = pushSpan(world, caller.name, { traceId, spanId, parentSpanId, name: call.operation, kind, startUs, endUs: outcome.endUs, attributes });
  if (!outcome.ok) {
    span.status = {
      code: StatusCode.ERROR,
      message: outcome.errorType === 'ECONNREFUSED' ? `connect ECONNREFUSED ${callee.address}:${callee.port}` : `${callee.name} answered ${outcome.errorType}`,
    };
  }
  return outcome;
}

/** OTel semantic-convention attributes of a call, by the callee's kind. */
function peerAttributes(callee: Service, call: Call): Attributes {
  const server: Attributes = { 'server.address': callee.address, 'server.port': callee.port };
  switch (callee.kind) {
    case 'service': {
      const [method, path] = splitRoute(callee.route);
      return { 'http.request.method': method, 'url.full': `http://${callee.address}:${callee.port}${path}`, ...server };
    }
    case 'database': {
      const [operation, collection] = call.operation.split(' ');
      const attributes: Attributes = {
        'db.system': callee.system, 'db.system.name': callee.system, 'db.namespace': callee.namespace || callee.name,
        'db.operation.name': operation, 'db.query.summary': call.operation, ...server, 'peer.service': callee.name,
      };
      if (collection) attributes['db.collection.name'] = collection;
      return attributes;
    }
    case 'cache':
      return { 'db.system': callee.system, 'db.system.name': callee.system, 'db.namespace': callee.namespace || '0', 'db.operation.name': call.operation.split(' ')[0], ...server, 'peer.service': callee.name };
    case 'queue':
      return {
        'messaging.system': callee.system, 'messaging.destination.name': callee.destination, 'messaging.operation.type': 'send',
        'messaging.operation.name': 'send', ...server, 'peer.service': callee.name,
      };
    case 'external':
      // An external API is known only by its address: no peer.service, as with a real third party.
      return { 'http.request.method': call.operation.split(' ')[0], 'url.full': `https://${callee.address}/v1/charges`, ...server };
  }
}

function pushSpan(world: RequestWorld, service: string, fields: Omit<SpanRecord, 'resource' | 'status' | 'events'>): SpanRecord {
  const span: SpanRecord = { resource: world.resource(service), ...fields, status: { code: StatusCode.UNSET }, events: [] };
  world.out.spans.push(span);
  return span;
}

function pushLog(world: RequestWorld, service: string, severityText: SeverityText, body: string, timeUs: number, traceId: string, spanId: string): LogRecord {
  const log: LogRecord = { resource: world.resource(service), timeUs, severityText, body, traceId, spanId, attributes: {} };
  world.out.logs.push(log);
  return log;
}

function splitRoute(route: string): [method: string, path: string] {
  const space = route.indexOf(' ');
  return space < 0 ? ['GET', route] : [route.slice(0, space), route.slice(space + 1)];
}
