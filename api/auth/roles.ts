/**
 * Roles a token may hold (several at once) and what each one grants:
 *
 * | role      | may use                                                        |
 * |-----------|----------------------------------------------------------------|
 * | `ingest`  | the receivers only (OTLP, remote write, CloudEvents)           |
 * | `viewer`  | every read route of the API and the live streams               |
 * | `analyst` | viewer + the SQL sandbox, datasets, the ClickHouse endpoint     |
 * | `sre`     | viewer + incident actions (ack, resolve)                       |
 * | `admin`   | everything, including tokens and the audit log                 |
 *
 * A route declares the one role it needs (`config: { role: 'viewer' }`), or `public`.
 */
export const ROLES = ['ingest', 'viewer', 'analyst', 'sre', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type RouteRole = Role | 'public';

const IMPLIES: Record<Role, readonly Role[]> = {
  ingest: ['ingest'],
  viewer: ['viewer'],
  analyst: ['analyst', 'viewer'],
  sre: ['sre', 'viewer'],
  admin: ROLES,
};

/** Whether a holder of `held` may use a route that needs `needed`. */
export function grants(held: readonly Role[], needed: RouteRole): boolean {
  if (needed === 'public') return true;
  return held.some((role) => IMPLIES[role].includes(needed));
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The role a caller needs for this route (api/auth/roles.ts); a route without one is refused. */
    role?: RouteRole;
  }
}
