import type { Store } from '../store.js';

/** Silences (migration 012): while one is active on a service, its incidents do not page. */
export interface Silence {
  id: string;
  service: string;
  startsMs: number;
  endsMs: number;
  createdBy: string;
  reason: string;
  /** Where it was set: chatops, api. */
  source: string;
}

const ms = (t: number) => new Date(Math.floor(t)).toISOString().replace('T', ' ').replace('Z', '');

export async function insertSilence(store: Store, s: Silence, nowMs = Date.now()): Promise<void> {
  const row = { SilenceId: s.id, ServiceName: s.service, StartsAt: ms(s.startsMs), EndsAt: ms(s.endsMs), CreatedBy: s.createdBy, Reason: s.reason, Source: s.source, UpdatedAt: ms(nowMs) };
  await store.insertJsonEachRow('silences', Buffer.from(JSON.stringify(row), 'utf8'), { dedupToken: `silence/${s.id}/${nowMs}` });
}

/** Silences active at `atMs` (all services, or one). */
export async function activeSilences(store: Store, atMs: number, service?: string): Promise<Silence[]> {
  const rows = await store.query<{ id: string; service: string; starts: string; ends: string; createdBy: string; reason: string; source: string }>(
    `SELECT SilenceId AS id, ServiceName AS service, toString(toUnixTimestamp64Milli(StartsAt)) AS starts, toString(toUnixTimestamp64Milli(EndsAt)) AS ends,
        CreatedBy AS createdBy, Reason AS reason, Source AS source
    FROM silences FINAL
    WHERE StartsAt <= fromUnixTimestamp64Milli({at:Int64}) AND EndsAt > fromUnixTimestamp64Milli({at:Int64})
      AND ({service:String} = '' OR ServiceName = {service:String})
    ORDER BY EndsAt`,
    { at: String(Math.floor(atMs)), service: service ?? '' },
  );
  return rows.map((r) => ({ id: r.id, service: r.service, startsMs: Number(r.starts), endsMs: Number(r.ends), createdBy: r.createdBy, reason: r.reason, source: r.source }));
}
