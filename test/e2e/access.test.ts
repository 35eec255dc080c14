import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grants, ROLES, type Role } from '../../api/auth/index.js';
import { loadConfig } from '../../api/config/load.js';
import { startVigil, type Vigil } from '../../api/engine.js';
import { createLogger } from '../../api/logger.js';
import { otlpLogs } from '../helpers/roles.js';

/**
 * Access control end to end on a Vigil that requires tokens: every route's declared role is
 * exactly what it takes (walked over the routes the server registered, so a route added later
 * without a role fails here), revocation takes effect on the next request, admin actions are
 * audited, and no secret reaches the log.
 */
const INTERNAL = 'internal-secret-for-the-access-test';
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-access-'));
const logLines: string[] = [];
let vigil: Vigil;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  const capture = new Writable({ write(chunk, _enc, done) { logLines.push(String(chunk)); done(); } });
  const config = loadConfig({
    env: {},
    overrides: { 'server.port': 0, 'clickhouse.enabled': false, 'store.dataDir': dataDir, 'store.ttlDays': 0, 'auth.mode': 'required', 'auth.internalToken': INTERNAL, 'log.level': 'trace', 'detect.enabled': false },
  });
  vigil = await startVigil(config, createLogger('trace', capture));
  for (const role of ROLES) tokens[role] = (await vigil.access.tokens.create({ name: `t-${role}`, roles: [role], createdBy: 'test' })).token;
});
afterAll(async () => {
  await vigil?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = async (method: string, path: string, token?: string, init: { body?: string; headers?: Record<string, string> } = {}) => {
  const abort = new AbortController();
  const res = await fetch(`${vigil.url}${path}`, {
    method,
    signal: abort.signal,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body ?? (method === 'POST' ? '{}' : undefined),
  });
  abort.abort(); // streams (SSE) would stay open; the status is all that matters here
  return res.status;
};

describe('role matrix over every registered route', () => {
  it('every route declares a role', () => {
    const routes = vigil.access.routes();
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.filter((r) => !r.role).map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('pins the roles of the routes users rely on', () => {
    const role = (method: string, url: string) => vigil.access.routes().find((r) => r.method === method && r.url === url)?.role;
    expect(role('POST', '/v1/logs')).toBe('ingest');
    expect(role('POST', '/v1/traces')).toBe('ingest');
    expect(role('POST', '/v1/metrics')).toBe('ingest');
    expect(role('POST', '/api/v1/write')).toBe('ingest');
    expect(role('POST', '/v1/events')).toBe('ingest');
    expect(role('GET', '/api/v1/logs')).toBe('viewer');
    expect(role('GET', '/api/v1/anomalies/stream')).toBe('viewer');
    expect(role('POST', '/api/v1/sql')).toBe('analyst');
    expect(role('POST', '/api/v1/tokens')).toBe('admin');
    expect(role('GET', '/api/v1/audit')).toBe('admin');
    expect(role('GET', '/api/v1/health')).toBe('public');
    expect(role('GET', '/')).toBe('public');
  });

  it('each role, and no token, is let in exactly where the declared role allows', async () => {
    const denied: string[] = [];
    const wrong: string[] = [];
    for (const route of vigil.access.routes()) {
      const path = route.url.replace(/:(\w+)/g, 'x').replace('*', 'app.css');
      for (const holder of [...ROLES, 'none'] as const) {
        const status = await call(route.method, path, holder === 'none' ? undefined : tokens[holder]);
        const allowed = route.role === 'public' || (holder !== 'none' && grants([holder], route.role!));
        const refused = status === 401 || status === 403;
        if (allowed === refused) wrong.push(`${route.method} ${route.url} as ${holder}: ${status} (declared ${route.role})`);
        if (refused) denied.push(`${route.method} ${route.url} ${holder} ${status}`);
        if (!allowed) expect(status, `${route.method} ${route.url} as ${holder}`).toBe(holder === 'none' ? 401 : 403);
      }
    }
    expect(wrong).toEqual([]);
    expect(denied.length).toBeGreaterThan(20);
  });

  it('refuses unknown tokens; accepts Bearer, X-Vigil-Token and Basic passwords alike', async () => {
    expect(await call('GET', '/api/v1/stats', 'vigil_not-a-real-token')).toBe(401);
    expect(await call('GET', '/api/v1/stats', undefined, { headers: { 'x-vigil-token': tokens.viewer } })).toBe(200);
    expect(await call('GET', '/api/v1/stats', undefined, { headers: { authorization: `Basic ${Buffer.from(`any:${tokens.viewer}`).toString('base64')}` } })).toBe(200);
    expect(await call('GET', '/api/v1/tokens', INTERNAL)).toBe(200);
    const res = await fetch(`${vigil.url}/api/v1/stats`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 'AUTH_REQUIRED', message: expect.stringContaining('Bearer') });
  });

  it('receivers take the token OTLP exporters send (Authorization: Bearer)', async () => {
    const body = otlpLogs('access-test', 'hello', 1);
    const send = (token?: string) => fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
    expect((await send()).status).toBe(401);
    expect((await send(tokens.viewer)).status).toBe(403);
    expect((await send(tokens.ingest)).status).toBe(200);
  });
});

describe('token lifecycle over the API', () => {
  it('creates, uses, lists and revokes; a revoked token is refused on the very next request; the audit log has it all', async () => {
    const created = await fetch(`${vigil.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'grafana', roles: ['viewer', 'analyst'] }) });
    expect(created.status).toBe(201);
    const { token, id } = (await created.json()) as { token: string; id: string };
    expect(token).toMatch(/^vigil_[A-Za-z0-9_-]{43}$/);
    expect(await call('GET', '/api/v1/stats', token)).toBe(200);

    const list = (await (await fetch(`${vigil.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${tokens.admin}` } })).json()) as { tokens: Array<Record<string, unknown>> };
    expect(list.tokens.find((t) => t.id === id)).toMatchObject({ name: 'grafana', roles: ['viewer', 'analyst'], revoked: false, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(list)).not.toContain(token);

    expect(await call('DELETE', `/api/v1/tokens/${id}`, tokens.viewer)).toBe(403);
    expect(await call('DELETE', `/api/v1/tokens/${id}`, tokens.admin)).toBe(200);
    expect(await call('GET', '/api/v1/stats', token)).toBe(401);
    expect(await call('DELETE', '/api/v1/tokens/nope', tokens.admin)).toBe(404);

    const audit = (await (await fetch(`${vigil.url}/api/v1/audit`, { headers: { authorization: `Bearer ${tokens.admin}` } })).json()) as { entries: Array<Record<string, unknown>> };
    expect(audit.entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ action: 'token.create', target: id, actorName: 't-admin', actorRoles: ['admin'], result: 'ok', sourceIp: expect.stringMatching(/127\.0\.0\.1/) }),
      expect.objectContaining({ action: 'token.revoke', target: id, actorName: 't-admin', result: 'ok' }),
      expect.objectContaining({ action: 'access.denied', target: 'DELETE /api/v1/tokens/:id', actorName: 't-viewer', result: 'denied' }),
    ]));
  });

  it('never writes a token or the internal token to the log', async () => {
    await call('GET', '/api/v1/stats', `${tokens.viewer}x`); // an unknown token
    await vigil.access.tokens.flushUsage();
    const log = logLines.join('');
    expect(log).toContain('token created');
    expect(log).toContain('token revoked');
    for (const secret of [...Object.values(tokens), INTERNAL]) expect(log).not.toContain(secret.slice(6));
  });
});
