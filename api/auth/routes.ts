import type { FastifyInstance } from 'fastify';
import { VigilError } from '../errors.js';
import { parseRange } from '../time-range.js';
import type { AuditLog } from './audit.js';
import type { AccessControl } from './gate.js';
import { ROLES } from './roles.js';
import type { TokenInfo, TokenRegistry } from './tokens.js';

const iso = (ms?: number) => (ms === undefined ? null : new Date(ms).toISOString());

function tokenView(t: TokenInfo) {
  return { id: t.id, name: t.name, roles: t.roles, createdAt: iso(t.createdMs), createdBy: t.createdBy, lastUsedAt: iso(t.lastUsedMs), revoked: t.revoked, revokedAt: iso(t.revokedMs), revokedBy: t.revokedBy ?? null };
}

/** Token administration and the audit log (admin), and who the caller is (public). */
export async function accessRoutes(app: FastifyInstance, deps: { access: AccessControl; tokens: TokenRegistry; audit: AuditLog }): Promise<void> {
  const { access, tokens, audit } = deps;

  app.get('/api/v1/auth/me', {
    config: { role: 'public', openapi: { tags: ['access'], summary: 'Who the caller is: token name and roles, and whether this server requires tokens', responses: { 200: '{ authRequired, authenticated, name, roles }' } } },
  }, async (request) => ({
    authRequired: access.required,
    authenticated: request.principal.kind !== 'anonymous',
    name: request.principal.name,
    roles: request.principal.kind === 'anonymous' && access.required ? [] : request.principal.roles,
  }));

  app.get('/api/v1/tokens', {
    config: { role: 'admin', openapi: { tags: ['access'], summary: 'Every API token (never the secret): id, name, roles, created, last used, revoked', responses: { 200: '{ tokens: [...] }' } } },
  }, async () => ({ tokens: tokens.list().map(tokenView) }));

  app.post<{ Body: { name: string; roles: string[] } }>('/api/v1/tokens', {
    schema: {
      body: {
        type: 'object',
        required: ['name', 'roles'],
        additionalProperties: false,
        properties: { name: { type: 'string', minLength: 1, maxLength: 64 }, roles: { type: 'array', minItems: 1, items: { type: 'string', enum: [...ROLES] } } },
      },
    },
    config: { role: 'admin', openapi: { tags: ['access'], summary: 'Create a token; the answer carries the secret, shown this once', requestContentTypes: ['application/json'], responses: { 201: '{ token, id, name, roles }', 400: 'Bad name or role' } } },
  }, async (request, reply) => {
    const { token, info } = await tokens.create({ name: request.body.name, roles: request.body.roles, createdBy: request.principal.name });
    await request.audit({ action: 'token.create', target: info.id, detail: JSON.stringify({ name: info.name, roles: info.roles }) });
    return reply.code(201).send({ token, ...tokenView(info) });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', {
    schema: { params: { type: 'object', properties: { id: { type: 'string', description: 'Token id, or the name of a token in force' } } } },
    config: { role: 'admin', openapi: { tags: ['access'], summary: 'Revoke a token (by id or name); refused from the next request on', responses: { 200: 'The revoked token', 404: 'No such token' } } },
  }, async (request) => {
    const revoked = await tokens.revoke(request.params.id, request.principal.name);
    if (!revoked) throw new VigilError('API_NOT_FOUND', `no token ${request.params.id}`);
    await request.audit({ action: 'token.revoke', target: revoked.id, detail: JSON.stringify({ name: revoked.name }) });
    return tokenView(revoked);
  });

  app.get<{ Querystring: { since?: string; until?: string; action?: string; actor?: string; limit: number } }>('/api/v1/audit', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          since: { type: 'string', description: 'Start: RFC 3339, Unix epoch or now-<n><unit>. Default now-7d.' },
          until: { type: 'string', description: 'End (exclusive). Default now.' },
          action: { type: 'string', description: 'Only this action (e.g. token.revoke)' },
          actor: { type: 'string', description: 'Only this token name or id' },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500 },
        },
      },
    },
    config: { role: 'admin', openapi: { tags: ['access'], summary: 'The audit log of admin and sre actions, newest first', responses: { 200: '{ entries: [...] }' } } },
  }, async (request) => {
    const { sinceNs, untilNs } = parseRange(request.query, 'now-7d');
    const { action, actor, limit } = request.query;
    const entries = await audit.search({ sinceMs: Number(sinceNs / 1_000_000n), untilMs: Number(untilNs / 1_000_000n), action, actor, limit });
    return { entries: entries.map(({ timeMs, ...e }) => ({ time: iso(timeMs), ...e })) };
  });
}
