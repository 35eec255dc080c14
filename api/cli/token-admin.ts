import { userInfo } from 'node:os';
import type { FlatConfig } from '../config/schema.js';
import type { FlagSpec } from './command.js';
import { CONFIG_FLAGS } from './config-flags.js';

/** A token as the CLI shows it (the API's view). */
export interface TokenView {
  id: string;
  name: string;
  roles: string[];
  createdAt: string | null;
  createdBy: string;
  lastUsedAt: string | null;
  revoked: boolean;
  revokedAt: string | null;
}

export interface TokenAdmin {
  create(name: string, roles: string[]): Promise<{ token: string; view: TokenView }>;
  list(): Promise<TokenView[]>;
  revoke(idOrName: string): Promise<TokenView | undefined>;
  close(): Promise<void>;
}

export const TOKEN_FLAGS: Record<string, FlagSpec & { key?: never }> = {
  ...(CONFIG_FLAGS as Record<string, FlagSpec & { key?: never }>),
  url: { type: 'string', value: 'URL', description: 'A running Vigil (e.g. http://127.0.0.1:4318): use its API with VIGIL_TOKEN (an admin token) or VIGIL_AUTH_INTERNAL_TOKEN, instead of opening the store' },
};

export const TOKEN_DETAILS = `Without --url, opens the store directly (the chDB data directory or the ClickHouse server
of the configuration): use it while Vigil is stopped, e.g. to create the first admin token
before starting Vigil on a public interface. With --url, talks to a running Vigil's API with
the token in VIGIL_TOKEN (admin role) or the internal token (VIGIL_AUTH_INTERNAL_TOKEN).`;

/** Opens the store directly, or the API of the Vigil at `url`. */
export async function openTokenAdmin(config: FlatConfig, url: string | undefined, env = process.env): Promise<TokenAdmin> {
  return url ? httpAdmin(url, env.VIGIL_TOKEN || config['auth.internalToken']) : storeAdmin(config);
}

async function storeAdmin(config: FlatConfig): Promise<TokenAdmin> {
  const { migrate, openStore } = await import('../../analytics/index.js');
  const { storeConfig } = await import('../engine.js');
  const { AuditLog, TokenRegistry } = await import('../auth/index.js');
  let store;
  try {
    store = await openStore(storeConfig(config));
  } catch (err) {
    if (/Cannot lock file|Failed to create connection/.test((err as Error).message)) {
      throw new Error(`the data directory ${config['store.dataDir']} is in use (is Vigil running?): stop it, or pass --url http://host:port with VIGIL_TOKEN set to an admin token`);
    }
    throw err;
  }
  await migrate(store, { ttlDays: config['store.ttlDays'] });
  const tokens = await TokenRegistry.open(store);
  const audit = new AuditLog(store);
  const actor = { kind: 'internal' as const, id: 'cli', name: `cli:${userInfo().username}`, roles: ['admin' as const] };
  const view = (t: import('../auth/index.js').TokenInfo): TokenView => ({
    id: t.id, name: t.name, roles: t.roles, createdAt: iso(t.createdMs), createdBy: t.createdBy, lastUsedAt: iso(t.lastUsedMs), revoked: t.revoked, revokedAt: iso(t.revokedMs),
  });
  return {
    async create(name, roles) {
      const { token, info } = await tokens.create({ name, roles, createdBy: actor.name });
      await audit.record(actor, '', { action: 'token.create', target: info.id, detail: JSON.stringify({ name, roles: info.roles }) });
      return { token, view: view(info) };
    },
    list: async () => tokens.list().map(view),
    async revoke(idOrName) {
      const revoked = await tokens.revoke(idOrName, actor.name);
      if (revoked) await audit.record(actor, '', { action: 'token.revoke', target: revoked.id, detail: JSON.stringify({ name: revoked.name }) });
      return revoked && view(revoked);
    },
    close: () => store.close(),
  };
}

function httpAdmin(base: string, secret: string | undefined): TokenAdmin {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(path, base), {
      method,
      headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, json, error: () => new Error(`${method} ${path}: ${res.status} ${json.code ?? ''} ${json.message ?? ''}`.trim()) };
  };
  return {
    async create(name, roles) {
      const r = await call('POST', '/api/v1/tokens', { name, roles });
      if (r.status !== 201) throw r.error();
      const { token, ...view } = r.json as unknown as TokenView & { token: string };
      return { token, view };
    },
    async list() {
      const r = await call('GET', '/api/v1/tokens');
      if (r.status !== 200) throw r.error();
      return (r.json as { tokens: TokenView[] }).tokens;
    },
    async revoke(idOrName) {
      const r = await call('DELETE', `/api/v1/tokens/${encodeURIComponent(idOrName)}`);
      if (r.status === 404) return undefined;
      if (r.status !== 200) throw r.error();
      return r.json as unknown as TokenView;
    },
    close: async () => undefined,
  };
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}
