import { queries, type Store } from '../../analytics/index.js';
import type { Logger } from '../logger.js';
import type { Principal } from './tokens.js';

export interface AuditEntry {
  /** What was done, dotted: `token.create`, `token.revoke`, `incident.ack`, `incident.resolve`. */
  action: string;
  /** What it was done to: a token id, an incident id, … */
  target: string;
  result?: 'ok' | 'denied' | 'error';
  /** Anything else worth keeping, as text or JSON. Never a secret. */
  detail?: string;
}

/**
 * The audit log of admin and sre actions (`audit_log`): who (token id, name, roles), what,
 * on what, with which result, from where. A write is awaited, so an action answered 2xx is
 * on record; a failed write is logged and does not undo the action.
 */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
  ) {}

  async record(principal: Principal, sourceIp: string, entry: AuditEntry): Promise<void> {
    const record: queries.AuditRecord = {
      timeMs: Date.now(),
      actorId: principal.id,
      actorName: principal.name,
      actorRoles: [...principal.roles],
      action: entry.action,
      target: entry.target,
      result: entry.result ?? 'ok',
      sourceIp,
      detail: entry.detail ?? '',
    };
    try {
      await queries.insertAudit(this.store, [record]);
    } catch (err) {
      this.logger?.error({ err: (err as Error).message, action: entry.action, target: entry.target }, 'could not write the audit log');
    }
  }

  search(filter: { sinceMs: number; untilMs: number; action?: string; actor?: string; limit: number }): Promise<queries.AuditRecord[]> {
    return queries.searchAudit(this.store, filter);
  }
}
