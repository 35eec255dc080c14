import type { FastifyInstance, FastifyRequest } from 'fastify';
import { VigilError } from '../errors.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { tokenFromHeaders } from './credentials.js';
import { grants, type RouteRole } from './roles.js';
import { ANONYMOUS, INTERNAL, isInternalToken, type Principal, type TokenRegistry } from './tokens.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling: a token's holder, the internal user, or anonymous when auth is off. */
    principal: Principal;
    /** Writes an audit record for this request's caller (admin and sre actions). */
    audit(entry: AuditEntry): Promise<void>;
  }
}

/** Authenticates secrets for the API and the ClickHouse endpoint alike. */
export class AccessControl {
  constructor(
    /** Whether requests must carry a valid token (auth.mode, resolved). */
    readonly required: boolean,
    readonly tokens: TokenRegistry | undefined,
    private readonly internalToken: string,
  ) {}

  /** The secret's holder, or undefined when it is unknown or revoked. */
  authenticate(secret: string | undefined): Principal | undefined {
    if (!secret) return undefined;
    if (isInternalToken(secret, this.internalToken)) return INTERNAL;
    return this.tokens?.verify(secret);
  }

  isInternal(secret: string | undefined): boolean {
    return isInternalToken(secret, this.internalToken);
  }
}

export interface DeclaredRoute {
  method: string;
  url: string;
  role?: RouteRole;
}

/**
 * The one role check of the HTTP server: every route declares the role it needs in its
 * config (`config: { role: 'viewer' }`, or `'public'`); a route that declares none is refused
 * whatever the caller holds (fail closed). Runs on request, before any body is read. Call it
 * before registering routes; it returns the registry of declared roles, which the role-matrix
 * test walks.
 */
export function installAccessControl(app: FastifyInstance, access: AccessControl, audit?: AuditLog): { routes(): DeclaredRoute[] } {
  const declared: DeclaredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method !== 'HEAD') declared.push({ method, url: route.url, role: route.config?.role });
    }
  });
  app.decorateRequest('principal', null as unknown as Principal);
  app.decorateRequest('audit', null as unknown as FastifyRequest['audit']);

  app.addHook('onRequest', async (request) => {
    const secret = tokenFromHeaders(request.headers);
    const principal = access.authenticate(secret);
    request.principal = principal ?? ANONYMOUS;
    request.audit = (entry) => (audit ? audit.record(request.principal, request.ip, entry) : Promise.resolve());
    if (request.is404) return;
    const needed = request.routeOptions.config?.role;
    const route = `${request.method} ${request.routeOptions.url}`;
    if (!needed) throw new VigilError('AUTH_FORBIDDEN', `route ${route} declares no role, so it is refused (config.role)`);
    if (needed === 'public' || !access.required) return;
    if (!principal) {
      throw new VigilError('AUTH_REQUIRED', secret ? 'the token is unknown or revoked' : 'this route needs a token: Authorization: Bearer <token> (or X-Vigil-Token)');
    }
    if (!grants(principal.roles, needed)) {
      if (needed === 'admin' || needed === 'sre') await request.audit({ action: 'access.denied', target: route, result: 'denied' });
      throw new VigilError('AUTH_FORBIDDEN', `route ${route} needs role ${needed}; token ${principal.name} holds ${principal.roles.join(', ')}`);
    }
  });
  return { routes: () => [...declared] };
}
