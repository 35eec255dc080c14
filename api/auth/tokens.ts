import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { queries, type Store } from '../../analytics/index.js';
import { VigilError } from '../errors.js';
import type { Logger } from '../logger.js';
import { isRole, ROLES, type Role } from './roles.js';

/** Who made a request: a token, the node's internal token, or nobody (auth off). */
export interface Principal {
  kind: 'token' | 'internal' | 'anonymous';
  id: string;
  name: string;
  roles: readonly Role[];
}

export const ANONYMOUS: Principal = { kind: 'anonymous', id: '', name: 'anonymous', roles: ROLES };
export const INTERNAL: Principal = { kind: 'internal', id: 'internal', name: 'vigil', roles: ['admin'] };

export interface TokenInfo {
  id: string;
  name: string;
  roles: Role[];
  createdMs: number;
  createdBy: string;
  lastUsedMs?: number;
  revoked: boolean;
  revokedMs?: number;
  revokedBy?: string;
}

const TOKEN_PREFIX = 'vigil_';
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/** SHA-256 of the whole secret: a 256-bit random token needs no slow hash, and lookups stay O(1). */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * API tokens. The secret (`vigil_` + 43 base64url characters, 256 random bits) is shown once
 * at creation; the store keeps its SHA-256. Every token is held in memory by hash, so checking
 * a request costs one hash and one map lookup, and a revocation made here takes effect on
 * the next request. Last use is remembered in memory and written every `usageFlushMs`.
 */
export class TokenRegistry {
  private byHash = new Map<string, TokenInfo>();
  private byId = new Map<string, TokenInfo & { hash: string }>();
  private readonly used = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private reloadTimer?: NodeJS.Timeout;
  /** Bumped by every local change, so a reload that raced one is dropped instead of undoing it. */
  private generation = 0;

  private constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  /**
   * `reloadMs`: re-read the tokens this often, for stores other processes change too (several
   * nodes on one ClickHouse server); a revocation made elsewhere then takes effect within it.
   */
  static async open(store: Store, options: { logger?: Logger; usageFlushMs?: number; reloadMs?: number } = {}): Promise<TokenRegistry> {
    const registry = new TokenRegistry(store, options.logger);
    await registry.reload();
    if (options.usageFlushMs) {
      registry.timer = setInterval(() => void registry.flushUsage(), options.usageFlushMs);
      registry.timer.unref();
    }
    if (options.reloadMs) {
      registry.reloadTimer = setInterval(() => {
        registry.reload().catch((err) => registry.logger?.warn({ err: (err as Error).message }, 'could not reload API tokens'));
      }, options.reloadMs);
      registry.reloadTimer.unref();
    }
    return registry;
  }

  /** Reads every token from the store (another process may have created or revoked some). */
  async reload(): Promise<void> {
    const generation = this.generation;
    const [rows, usage] = await Promise.all([queries.loadTokens(this.store), queries.loadTokenUsage(this.store)]);
    if (generation !== this.generation) return;
    const byHash = new Map<string, TokenInfo>();
    const byId = new Map<string, TokenInfo & { hash: string }>();
    for (const row of rows) {
      const info = { id: row.id, name: row.name, roles: row.roles.filter(isRole), createdMs: row.createdMs, createdBy: row.createdBy, lastUsedMs: usage.get(row.id), revoked: row.revoked, revokedMs: row.revokedMs, revokedBy: row.revokedBy };
      byId.set(row.id, { ...info, hash: row.hash });
      if (!row.revoked) byHash.set(row.hash, info);
    }
    this.byHash = byHash;
    this.byId = byId;
  }

  /** The token's holder, or undefined for an unknown or revoked secret. */
  verify(secret: string): Principal | undefined {
    if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
    const info = this.byHash.get(hashToken(secret));
    if (!info) return undefined;
    this.used.set(info.id, Date.now());
    return { kind: 'token', id: info.id, name: info.name, roles: info.roles };
  }

  async create(input: { name: string; roles: readonly string[]; createdBy: string }): Promise<{ token: string; info: TokenInfo }> {
    if (!NAME.test(input.name)) throw new VigilError('API_BAD_REQUEST', 'name: 1 to 64 letters, digits, _ . @ -, starting with a letter or digit');
    const roles = [...new Set(input.roles)];
    if (roles.length === 0) throw new VigilError('API_BAD_REQUEST', `roles: at least one of ${ROLES.join(', ')}`);
    const unknown = roles.filter((r) => !isRole(r));
    if (unknown.length > 0) throw new VigilError('API_BAD_REQUEST', `roles: unknown role ${unknown.join(', ')} (roles are ${ROLES.join(', ')})`);
    if (this.list().some((t) => !t.revoked && t.name === input.name)) throw new VigilError('API_BAD_REQUEST', `name: a token named ${input.name} exists; revoke it first or pick another name`);
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const hash = hashToken(token);
    const info: TokenInfo = { id: hash.slice(0, 16), name: input.name, roles: roles as Role[], createdMs: Date.now(), createdBy: input.createdBy, revoked: false };
    this.generation++;
    await queries.saveToken(this.store, { ...info, hash });
    this.byHash.set(hash, info);
    this.byId.set(info.id, { ...info, hash });
    this.logger?.info({ tokenId: info.id, tokenName: info.name, roles: info.roles, by: input.createdBy }, 'token created');
    return { token, info };
  }

  /** Revokes by id or by name (of a token still in force); effective at once. */
  async revoke(idOrName: string, revokedBy: string): Promise<TokenInfo | undefined> {
    const found = this.byId.get(idOrName) ?? [...this.byId.values()].find((t) => t.name === idOrName && !t.revoked);
    if (!found) return undefined;
    if (found.revoked) return strip(found);
    const revoked = { ...found, revoked: true, revokedMs: Date.now(), revokedBy };
    this.generation++;
    this.byHash.delete(found.hash); // before the write: a failed write leaves the token refused here, never the reverse
    await queries.saveToken(this.store, revoked);
    this.byId.set(found.id, revoked);
    this.logger?.info({ tokenId: found.id, tokenName: found.name, by: revokedBy }, 'token revoked');
    return strip(revoked);
  }

  list(): TokenInfo[] {
    return [...this.byId.values()].map((t) => ({ ...strip(t), lastUsedMs: this.used.get(t.id) ?? t.lastUsedMs }));
  }

  async flushUsage(): Promise<void> {
    if (this.used.size === 0) return;
    const batch = new Map(this.used);
    this.used.clear();
    for (const [id, ms] of batch) {
      const t = this.byId.get(id);
      if (t) t.lastUsedMs = ms;
    }
    try {
      await queries.saveTokenUsage(this.store, batch);
    } catch (err) {
      this.logger?.warn({ err: (err as Error).message }, 'could not save token last-use times');
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.reloadTimer) clearInterval(this.reloadTimer);
    await this.flushUsage();
  }
}

function strip(t: TokenInfo & { hash?: string }): TokenInfo {
  const { hash: _hash, ...info } = t;
  return info;
}

/** Constant-time comparison of a presented secret with the internal token. */
export function isInternalToken(secret: string | undefined, internalToken: string): boolean {
  if (!secret || !internalToken) return false;
  const a = Buffer.from(secret, 'utf8');
  const b = Buffer.from(internalToken, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
