import type { Store } from '../store.js';

/** Named queries for log patterns (templates). */

export interface TemplateDeltaRow {
  TemplateId: string;
  Template: string;
  FirstSeen: string;
  LastSeen: string;
  Count: number;
  Samples: string[];
  Services: string[];
  MaxSeverityNumber: number;
}

export async function insertTemplateDeltas(store: Store, rows: TemplateDeltaRow[], dedupToken?: string): Promise<void> {
  if (rows.length === 0) return;
  await store.insertJsonEachRow('log_templates', Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n')), { dedupToken });
}

export async function insertTemplateMerges(store: Store, merges: Array<{ FromId: string; ToId: string }>): Promise<void> {
  if (merges.length === 0) return;
  await store.insertJsonEachRow('log_template_merges', Buffer.from(merges.map((m) => JSON.stringify(m)).join('\n')));
}

export async function saveMinerState(store: Store, name: string, snapshot: string): Promise<void> {
  await store.insertJsonEachRow('log_miner_state', Buffer.from(JSON.stringify({ Name: name, Snapshot: snapshot })));
}

export async function loadMinerState(store: Store, name: string): Promise<string | undefined> {
  const rows = await store.query<{ s: string }>(
    'SELECT argMax(Snapshot, SavedAt) AS s FROM log_miner_state WHERE Name = {name:String} GROUP BY Name',
    { name },
  );
  return rows[0]?.s;
}

export interface PatternQuery {
  service?: string;
  severity?: string;
  sinceSec: number;
  untilSec: number;
  /** Sparkline bucket width. */
  stepSec: number;
  limit: number;
}

export interface PatternSummary {
  id: string;
  template: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  services: string[];
  maxSeverityNumber: number;
  /** First seen inside the queried range. */
  isNew: boolean;
  /** [bucket start (Unix s), count] */
  sparkline: Array<[number, number]>;
}

/**
 * Templates with their counts in a range (from the per-minute rollup), busiest first,
 * each with a sparkline and when it was first seen. Ids that a template had before it
 * generalised are folded into its current id.
 */
export async function listPatterns(store: Store, q: PatternQuery): Promise<PatternSummary[]> {
  const rows = await store.query<Record<string, any>>(
    `WITH merges AS (SELECT FromId, argMax(ToId, MergedAt) AS ToId FROM log_template_merges GROUP BY FromId),
    counts AS (
        SELECT if(m.ToId != '', m.ToId, c.TemplateId) AS id, c.Minute AS Minute, c.Count AS Count, c.ServiceName AS ServiceName, c.SeverityNumber AS SeverityNumber
        FROM log_templates_per_minute AS c LEFT JOIN merges AS m ON m.FromId = c.TemplateId
        WHERE c.Minute >= toDateTime({since:UInt32}) AND c.Minute < toDateTime({until:UInt32})
          ${q.service !== undefined ? 'AND c.ServiceName = {service:String}' : ''}
          ${q.severity !== undefined ? 'AND c.SeverityText = {severity:String}' : ''}
    ),
    per_bucket AS (
        SELECT id, toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({step:UInt32}))) AS bucket, sum(Count) AS n
        FROM counts GROUP BY id, bucket
    ),
    totals AS (
        SELECT id, sum(n) AS count, groupArray((bucket, n)) AS spark FROM per_bucket GROUP BY id
        ORDER BY count DESC LIMIT {limit:UInt32}
    )
    SELECT t.id AS id, t.count AS count, arraySort(x -> x.1, t.spark) AS sparkline,
        lt.Template AS template, formatDateTime(lt.FirstSeen, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS firstSeen,
        formatDateTime(lt.LastSeen, '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS lastSeen, lt.Services AS services,
        lt.MaxSeverityNumber AS maxSeverityNumber, toUnixTimestamp(lt.FirstSeen) >= {since:UInt32} AS isNew
    FROM totals AS t
    LEFT JOIN (
        SELECT TemplateId, anyLast(Template) AS Template, min(FirstSeen) AS FirstSeen, max(LastSeen) AS LastSeen,
            groupUniqArrayArray(64)(Services) AS Services, max(MaxSeverityNumber) AS MaxSeverityNumber
        FROM log_templates WHERE TemplateId IN (SELECT id FROM totals) GROUP BY TemplateId
    ) AS lt ON lt.TemplateId = t.id
    ORDER BY count DESC, id`,
    { since: q.sinceSec, until: q.untilSec, service: q.service, severity: q.severity, step: q.stepSec, limit: q.limit },
  );
  return rows.map((r) => ({
    id: r.id,
    template: r.template,
    count: Number(r.count),
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    services: r.services,
    maxSeverityNumber: Number(r.maxSeverityNumber),
    isNew: Boolean(Number(r.isNew)),
    sparkline: (r.sparkline as Array<[string | number, string | number]>).map(([t, n]) => [Number(t), Number(n)]),
  }));
}

export interface PatternDetail {
  id: string;
  template: string;
  firstSeen: string;
  lastSeen: string;
  count: number;
  samples: string[];
  services: string[];
  /** Ids this template had before it generalised. */
  formerIds: string[];
  rate: Array<[number, number]>;
}

export async function patternDetail(store: Store, id: string, range: { sinceSec: number; untilSec: number; stepSec: number }): Promise<PatternDetail | undefined> {
  const [meta] = await store.query<Record<string, any>>(
    `SELECT TemplateId AS id, anyLast(Template) AS template, formatDateTime(min(FirstSeen), '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS firstSeen,
        formatDateTime(max(LastSeen), '%Y-%m-%dT%H:%i:%S.%fZ', 'UTC') AS lastSeen, sum(Count) AS count,
        groupUniqArrayArray(5)(Samples) AS samples, groupUniqArrayArray(64)(Services) AS services,
        (SELECT groupArray(FromId) FROM log_template_merges FINAL WHERE ToId = {id:String}) AS formerIds
    FROM log_templates WHERE TemplateId = {id:String} GROUP BY TemplateId`,
    { id },
  );
  if (!meta) return undefined;
  const ids = [id, ...(meta.formerIds as string[])];
  const rate = await store.query<{ t: string; n: string }>(
    `SELECT toUnixTimestamp(toStartOfInterval(Minute, toIntervalSecond({step:UInt32}))) AS t, sum(Count) AS n
    FROM log_templates_per_minute WHERE TemplateId IN {ids:Array(String)}
      AND Minute >= toDateTime({since:UInt32}) AND Minute < toDateTime({until:UInt32})
    GROUP BY t ORDER BY t`,
    { ids, since: range.sinceSec, until: range.untilSec, step: range.stepSec },
  );
  return {
    id,
    template: meta.template,
    firstSeen: meta.firstSeen,
    lastSeen: meta.lastSeen,
    count: Number(meta.count),
    samples: meta.samples,
    services: meta.services,
    formerIds: meta.formerIds,
    rate: rate.map((r) => [Number(r.t), Number(r.n)]),
  };
}

/**
 * Warning-or-worse patterns of one service: records in [windowFrom, windowTo) and in the
 * baseline [baselineFrom, windowFrom), from the per-minute rollup (minute resolution).
 */
export async function patternCountsAround(
  store: Store,
  q: { service: string; baselineFromMs: number; windowFromMs: number; windowToMs: number; minSeverityNumber: number },
): Promise<Array<{ templateId: string; template: string; maxSeverityNumber: number; windowCount: number; baselineCount: number }>> {
  const rows = await store.query<Record<string, string>>(
    `SELECT c.TemplateId AS templateId, any(t.Template) AS template, max(c.SeverityNumber) AS maxSeverityNumber,
        sumIf(c.Count, c.Minute >= toDateTime({windowFrom:UInt32})) AS windowCount,
        sumIf(c.Count, c.Minute < toDateTime({windowFrom:UInt32})) AS baselineCount
    FROM log_templates_per_minute AS c
    LEFT JOIN (SELECT TemplateId, anyLast(Template) AS Template FROM log_templates GROUP BY TemplateId) AS t ON t.TemplateId = c.TemplateId
    WHERE c.ServiceName = {service:String} AND c.SeverityNumber >= {sev:UInt8}
      AND c.Minute >= toDateTime({baselineFrom:UInt32}) AND c.Minute < toDateTime({windowTo:UInt32})
    GROUP BY c.TemplateId`,
    {
      service: q.service,
      sev: q.minSeverityNumber,
      baselineFrom: Math.floor(q.baselineFromMs / 1000),
      windowFrom: Math.floor(q.windowFromMs / 1000),
      windowTo: Math.ceil(q.windowToMs / 1000),
    },
  );
  return rows.map((r) => ({
    templateId: r.templateId,
    template: r.template,
    maxSeverityNumber: Number(r.maxSeverityNumber),
    windowCount: Number(r.windowCount),
    baselineCount: Number(r.baselineCount),
  }));
}
