import type { Store } from '../store.js';

/**
 * Named queries over the notifier's delivery log (`notifications`). A delivery is rewritten
 * as it progresses (pending → delivered | failed | refused, or skipped at once); every reader
 * takes the latest version of each id. Times cross this boundary as Unix milliseconds.
 */

export type NotificationStatus = 'pending' | 'delivered' | 'failed' | 'skipped' | 'refused';

export interface NotificationRecord {
  /** `<incident id>/<version>/<channel>`: one delivery per transition and channel. */
  id: string;
  incidentId: string;
  fingerprint: string;
  channel: string;
  channelType: string;
  transition: string;
  /** trigger | acknowledge | resolve | refresh. */
  action: string;
  version: number;
  status: NotificationStatus;
  attempts: number;
  /** Last HTTP status received, 0 when none. */
  httpStatus: number;
  /** Why it failed, was refused or skipped ('' otherwise); never holds a secret. */
  error: string;
  /** The incident message as JSON while pending (what a restart resumes); afterwards kept only for Alertmanager (what it re-posts), '' otherwise. */
  message: string;
  transitionAtMs: number;
  createdAtMs: number;
  /** 0 until delivered. */
  deliveredAtMs: number;
  /** The notifier's own latency: message received → receiver answered 2xx. */
  latencyMs: number;
  updatedAtMs: number;
}

const COLUMNS = `NotificationId AS id, IncidentId AS incidentId, Fingerprint AS fingerprint, Channel AS channel, ChannelType AS channelType,
    Transition AS transition, Action AS action, IncidentVersion AS version, Status AS status, Attempts AS attempts, HttpStatus AS httpStatus,
    Error AS error, Message AS message, toString(toUnixTimestamp64Milli(TransitionAt)) AS transitionAtMs,
    toString(toUnixTimestamp64Milli(CreatedAt)) AS createdAtMs, toString(toUnixTimestamp64Milli(DeliveredAt)) AS deliveredAtMs,
    LatencyMs AS latencyMs, toString(toUnixTimestamp64Milli(UpdatedAt)) AS updatedAtMs`;

/** `"<seconds, 9+ digits>.<ms>"`: ClickHouse parses it as a Unix time into DateTime64(3) (fewer digits read as a date). */
function msText(ms: number): string {
  const t = Math.max(0, Math.floor(ms));
  return `${String(Math.floor(t / 1000)).padStart(9, '0')}.${String(t % 1000).padStart(3, '0')}`;
}

export async function insertNotifications(store: Store, rows: readonly NotificationRecord[]): Promise<void> {
  if (rows.length === 0) return;
  const body = rows
    .map((n) =>
      JSON.stringify({
        NotificationId: n.id,
        IncidentId: n.incidentId,
        Fingerprint: n.fingerprint,
        Channel: n.channel,
        ChannelType: n.channelType,
        Transition: n.transition,
        Action: n.action,
        IncidentVersion: n.version,
        Status: n.status,
        Attempts: Math.min(65535, n.attempts),
        HttpStatus: n.httpStatus,
        Error: n.error,
        Message: n.message,
        TransitionAt: msText(n.transitionAtMs),
        CreatedAt: msText(n.createdAtMs),
        DeliveredAt: msText(n.deliveredAtMs),
        LatencyMs: Math.max(0, Math.min(4_294_967_295, Math.round(n.latencyMs))),
        UpdatedAt: msText(n.updatedAtMs),
      }),
    )
    .join('\n');
  await store.insertJsonEachRow('notifications', Buffer.from(body, 'utf8'));
}

function toRecord(r: Record<string, unknown>): NotificationRecord {
  return {
    ...(r as unknown as NotificationRecord),
    version: Number(r.version),
    attempts: Number(r.attempts),
    httpStatus: Number(r.httpStatus),
    latencyMs: Number(r.latencyMs),
    transitionAtMs: Number(r.transitionAtMs),
    createdAtMs: Number(r.createdAtMs),
    deliveredAtMs: Number(r.deliveredAtMs),
    updatedAtMs: Number(r.updatedAtMs),
  };
}

/** The latest state of every delivery of these incidents (what the notifier checks before sending). */
export async function notificationsOfIncidents(store: Store, incidentIds: readonly string[]): Promise<NotificationRecord[]> {
  if (incidentIds.length === 0) return [];
  const rows = await store.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM notifications WHERE IncidentId IN {ids:Array(String)}
    ORDER BY NotificationId, UpdatedAt DESC LIMIT 1 BY NotificationId`,
    { ids: incidentIds },
  );
  return rows.map(toRecord);
}

/** Deliveries still pending (accepted, outcome not written): what a restarted notifier resumes, oldest first. */
export async function pendingNotifications(store: Store, limit = 10_000): Promise<NotificationRecord[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT * FROM (
        SELECT ${COLUMNS} FROM notifications WHERE NotificationId IN (SELECT NotificationId FROM notifications WHERE Status = 'pending')
        ORDER BY NotificationId, UpdatedAt DESC LIMIT 1 BY NotificationId
    ) WHERE status = 'pending' ORDER BY toUInt64(createdAtMs) LIMIT {limit:UInt32}`,
    { limit },
  );
  return rows.map(toRecord);
}

export interface NotificationSearch {
  incidentId?: string;
  channel?: string;
  status?: NotificationStatus;
  limit: number;
}

/** The delivery log, newest first (latest state of each delivery). */
export async function searchNotifications(store: Store, q: NotificationSearch): Promise<NotificationRecord[]> {
  const inner: string[] = [];
  if (q.incidentId !== undefined) inner.push('IncidentId = {incident:String}');
  if (q.channel !== undefined) inner.push('Channel = {channel:String}');
  const rows = await store.query<Record<string, unknown>>(
    `SELECT * FROM (
        SELECT ${COLUMNS} FROM notifications ${inner.length > 0 ? `WHERE ${inner.join(' AND ')}` : ''}
        ORDER BY NotificationId, UpdatedAt DESC LIMIT 1 BY NotificationId
    ) ${q.status !== undefined ? 'WHERE status = {status:String}' : ''}
    ORDER BY toUInt64(createdAtMs) DESC, id LIMIT {limit:UInt32}`,
    { incident: q.incidentId, channel: q.channel, status: q.status, limit: q.limit },
  );
  return rows.map(toRecord);
}

/**
 * Alertmanager alerts Vigil last left firing: per incident and channel, the newest transition
 * that was not skipped is a delivered trigger or refresh. With its message, so a restarted
 * notifier keeps re-posting them (Alertmanager would otherwise end them).
 */
export async function firingAlertmanagerNotifications(store: Store, channelType = 'alertmanager'): Promise<NotificationRecord[]> {
  const rows = await store.query<Record<string, unknown>>(
    `SELECT * FROM (
        SELECT ${COLUMNS} FROM notifications WHERE ChannelType = {type:String}
        ORDER BY NotificationId, UpdatedAt DESC LIMIT 1 BY NotificationId
    ) WHERE status != 'skipped'
    ORDER BY incidentId, channel, version DESC LIMIT 1 BY incidentId, channel`,
    { type: channelType },
  );
  return rows.map(toRecord).filter((r) => r.status === 'delivered' && (r.action === 'trigger' || r.action === 'refresh') && r.message !== '');
}
