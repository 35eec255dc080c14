import type { Store } from '../store.js';

/**
 * Named queries of access control: API tokens (hashes only), their last use, and the audit
 * log. Times cross this boundary as milliseconds since the epoch.
 */

/** `"<seconds, 9+ digits>.<ms>"`: ClickHouse parses it as a Unix time into DateTime64(3) (fewer digits would read as a date). */
function msText(ms: number): string {
  const t = Math.floor(ms);
  const sec = Math.floor(t / 1000);
  return `${String(sec).padStart(9, '0')}.${String(t - sec * 1000).padStart(3, '0')}`;
}

function jsonEachRow(rows: readonly object[]): Buffer {
  return Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'), 'utf8');
}

export interface TokenRow {
  id: string;
  name: string;
  roles: string[];
  /** SHA-256 of the secret, hex. */
  hash: string;
  createdMs: number;
  createdBy: string;
  revoked: boolean;
  revokedMs?: number;
  revokedBy?: string;
}

/** Writes a token's current state (a new version of its row: created or revoked). */
export async function saveToken(store: Store, token: TokenRow): Promise<void> {
  await store.insertJsonEachRow('api_tokens', jsonEachRow([{
    Id: token.id,
    Name: token.name,
    Roles: token.roles,
    Hash: token.hash,
    CreatedAt: msText(token.createdMs),
    CreatedBy: token.createdBy,
    Revoked: token.revoked ? 1 : 0,
    RevokedAt: msText(token.revokedMs ?? 0),
    RevokedBy: token.revokedBy ?? '',
    Version: msText(Date.now()),
  }]));
}

/** Every token in its latest state (revoked ones included), oldest first. */
export async function loadTokens(store: Store): Promise<TokenRow[]> {
  const rows = await store.query<{ id: string; name: string; roles: string[]; hash: string; createdMs: string; createdBy: string; revoked: number; revokedMs: string; revokedBy: string }>(
    `SELECT Id AS id,
       argMax(Name, Version) AS name,
       argMax(Roles, Version) AS roles,
       argMax(Hash, Version) AS hash,
       toUnixTimestamp64Milli(argMax(CreatedAt, Version)) AS createdMs,
       argMax(CreatedBy, Version) AS createdBy,
       max(Revoked) AS revoked,
       toUnixTimestamp64Milli(max(RevokedAt)) AS revokedMs,
       argMax(RevokedBy, Version) AS revokedBy
     FROM api_tokens
     GROUP BY Id
     ORDER BY createdMs, id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    roles: r.roles,
    hash: r.hash,
    createdMs: Number(r.createdMs),
    createdBy: r.createdBy,
    revoked: Number(r.revoked) === 1,
    revokedMs: Number(r.revoked) === 1 ? Number(r.revokedMs) : undefined,
    revokedBy: Number(r.revoked) === 1 ? r.revokedBy : undefined,
  }));
}

export async function saveTokenUsage(store: Store, lastUsed: ReadonlyMap<string, number>): Promise<void> {
  if (lastUsed.size === 0) return;
  await store.insertJsonEachRow('api_token_usage', jsonEachRow([...lastUsed].map(([id, ms]) => ({ Id: id, LastUsedAt: msText(ms) }))));
}

export async function loadTokenUsage(store: Store): Promise<Map<string, number>> {
  const rows = await store.query<{ id: string; ms: string }>('SELECT Id AS id, toUnixTimestamp64Milli(max(LastUsedAt)) AS ms FROM api_token_usage GROUP BY Id');
  return new Map(rows.map((r) => [r.id, Number(r.ms)]));
}

export interface AuditRecord {
  timeMs: number;
  actorId: string;
  actorName: string;
  actorRoles: string[];
  /** What was done, e.g. `token.create`, `incident.ack`. */
  action: string;
  /** What it was done to, e.g. a token id or an incident id. */
  target: string;
  result: 'ok' | 'denied' | 'error';
  sourceIp: string;
  /** Free text or JSON with anything else worth keeping (never a secret). */
  detail: string;
}

export async function insertAudit(store: Store, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  await store.insertJsonEachRow('audit_log', jsonEachRow(records.map((r) => ({
    Time: msText(r.timeMs),
    ActorId: r.actorId,
    ActorName: r.actorName,
    ActorRoles: r.actorRoles,
    Action: r.action,
    Target: r.target,
    Result: r.result,
    SourceIp: r.sourceIp,
    Detail: r.detail,
  }))));
}

export async function searchAudit(store: Store, filter: { sinceMs: number; untilMs: number; action?: string; actor?: string; limit: number }): Promise<AuditRecord[]> {
  const rows = await store.query<{ timeMs: string; actorId: string; actorName: string; actorRoles: string[]; action: string; target: string; result: AuditRecord['result']; sourceIp: string; detail: string }>(
    `SELECT toUnixTimestamp64Milli(Time) AS timeMs, ActorId AS actorId, ActorName AS actorName, ActorRoles AS actorRoles,
       Action AS action, Target AS target, Result AS result, SourceIp AS sourceIp, Detail AS detail
     FROM audit_log
     WHERE Time >= fromUnixTimestamp64Milli({since:Int64}) AND Time < fromUnixTimestamp64Milli({until:Int64})
       AND ({action:String} = '' OR Action = {action:String})
       AND ({actor:String} = '' OR ActorName = {actor:String} OR ActorId = {actor:String})
     ORDER BY Time DESC
     LIMIT {limit:UInt32}`,
    { since: filter.sinceMs, until: filter.untilMs, action: filter.action ?? '', actor: filter.actor ?? '', limit: filter.limit },
  );
  return rows.map((r) => ({ ...r, timeMs: Number(r.timeMs) }));
}
