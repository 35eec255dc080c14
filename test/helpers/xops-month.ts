import { queries, type Store } from '../../analytics/index.js';

/**
 * A month of synthetic engineering history for one topology, as the outside world sends
 * it (CloudEvents through POST /v1/events, spans through OTLP/JSON), plus Vigil's own
 * incidents. The schedule is regular so DORA's numbers can be worked out by hand:
 *
 *   web ──> checkout ──> payments        web ──> search
 *
 * - checkout (team payments, `team` extension): deployed daily at 10:00 listing its two
 *   changes, merged 2 h and 6 h before. Vigil incidents at 12:00 on days 2, 9, 16 and 23,
 *   resolved 13:30; one more on day 27 at 20:00, still open at the end.
 * - payments (team payments): Mondays 14:00 (service.deployed) and Thursdays 14:00
 *   (service.upgraded), no change list: one merge 20 h before each. Week 1's Thursday
 *   deployment is rolled back at 14:30; week 2's Monday one gets a reported CDEvents
 *   incident at 17:00, resolved at 22:00.
 * - search (team discovery, customData.team): Wednesdays 09:00, merges 72 h before.
 * - web (team frontend): daily at 16:00 listing the commit merged 1 h before.
 * - a staging deployment, rollback and incident, which DORA ignores; pipeline runs, security
 *   findings, data-quality checks, model events, ChatOps operations, KPIs and costs.
 * - traces every hour (6 per hour 08–20 UTC, 1 otherwise) through both call paths; in
 *   the last hour (6 traces) every checkout span fails.
 */
export const MONTH_START_MS = Date.UTC(2026, 1, 2); // Monday 2 February 2026
export const MONTH_DAYS = 28;
export const MONTH_END_MS = MONTH_START_MS + MONTH_DAYS * 86_400_000;

const H = 3_600_000;
const D = 24 * H;
const iso = (ms: number) => new Date(ms).toISOString();
const at = (day: number, hour: number) => MONTH_START_MS + day * D + hour * H;

type Event = Record<string, unknown>;

let seq = 0;
function ce(type: string, timeMs: number, data: unknown, extra: Event = {}): Event {
  return { specversion: '1.0', id: `evt-${++seq}`, source: '/synthetic/month', type, time: iso(timeMs), datacontenttype: 'application/json', data, ...extra };
}

function deployed(service: string, timeMs: number, custom: Event, kind = 'deployed', environment = 'production', extra: Event = {}): Event {
  return ce(`dev.cdevents.service.${kind}.0.2.0`, timeMs, {
    context: { version: '0.4.1', id: `ctx-${seq + 1}`, source: '/synthetic/month', type: `dev.cdevents.service.${kind}.0.2.0`, timestamp: iso(timeMs) },
    subject: { id: service, type: 'service', content: { environment: { id: environment }, artifactId: `pkg:oci/${service}@sha256:${timeMs.toString(16)}` } },
    customData: custom,
  }, extra);
}

function merged(service: string, changeId: string, timeMs: number, commit = ''): Event {
  return ce('dev.cdevents.change.merged.0.2.0', timeMs, {
    subject: { id: changeId, type: 'change', content: { repository: { id: `acme/${service}` } } },
    customData: { service, ...(commit ? { commit } : {}) },
  });
}

/** The month's CloudEvents, oldest first. */
export function monthEvents(): Event[] {
  const events: Event[] = [];
  for (let day = 0; day < MONTH_DAYS; day++) {
    const co = at(day, 10);
    events.push(merged('checkout', `CO-${day}-a`, co - 2 * H), merged('checkout', `CO-${day}-b`, co - 6 * H));
    events.push(deployed('checkout', co, { version: `1.${day}.0`, changes: [`CO-${day}-a`, `CO-${day}-b`] }, 'deployed', 'production', { team: 'payments' }));
    events.push(ce('dev.cdevents.pipelinerun.finished.0.2.0', co - 10 * 60_000, { subject: { id: `run-co-${day}`, content: { pipelineName: 'checkout-release', outcome: 'success' } }, customData: { service: 'checkout' } }));
    const web = at(day, 16);
    events.push(merged('web', `WEB-${day}`, web - H, `c0ffee${day}`));
    events.push(deployed('web', web, { team: 'frontend', changes: [`c0ffee${day}`] }));
    events.push(ce('io.vigil.biz.kpi.v1', at(day, 23), { kpi: 'checkout_conversion', value: 0.03 + (day % 5) / 1000, unit: 'ratio', service: 'checkout' }));
    for (const [service, cost] of [['checkout', 40], ['payments', 25], ['search', 60], ['web', 15]] as const) {
      events.push(ce('io.vigil.finops.cost.v1', at(day, 0), { provider: 'aws', service: 'AmazonEC2', resource: `i-${service}`, cost, currency: 'USD', periodStart: iso(at(day, 0)), periodEnd: iso(at(day + 1, 0)), tags: { service, team: 'platform' } }));
    }
    events.push(ce('io.vigil.data.quality.check.v1', at(day, 3), { dataset: 'warehouse.orders', check: 'freshness < 2h', passed: day % 9 !== 4, service: 'orders-etl' }));
  }
  for (let week = 0; week < 4; week++) {
    const monday = at(week * 7, 14);
    const thursday = at(week * 7 + 3, 14);
    events.push(merged('payments', `PAY-${week}-mon`, monday - 20 * H), deployed('payments', monday, {}, 'deployed', 'production', { team: 'payments' }));
    events.push(merged('payments', `PAY-${week}-thu`, thursday - 20 * H), deployed('payments', thursday, {}, 'upgraded', 'Production', { team: 'payments' }));
    const wednesday = at(week * 7 + 2, 9);
    events.push(merged('search', `SR-${week}`, wednesday - 72 * H), deployed('search', wednesday, { team: 'discovery' }));
  }
  events.push(deployed('checkout', at(0, 12), { version: '1.0.0-rc' }, 'deployed', 'staging', { team: 'payments' }));
  // Staging trouble that DORA ignores: a rollback and a reported incident right after production deployments.
  events.push(ce('dev.cdevents.service.rolledback.0.2.0', at(4, 10.5), { subject: { id: 'checkout', content: { environment: { id: 'staging' }, artifactId: 'pkg:oci/checkout@sha256:prev' } } }));
  events.push(ce('dev.cdevents.incident.detected.0.2.0', at(5, 17), { subject: { id: 'STG-1', type: 'incident', content: { environment: { id: 'staging' }, service: { id: 'web' } } } }));
  events.push(ce('dev.cdevents.service.rolledback.0.2.0', at(10, 14.5), { subject: { id: 'payments', content: { environment: { id: 'production' }, artifactId: 'pkg:oci/payments@sha256:prev' } } }));
  const incident = (kind: string, timeMs: number) =>
    ce(`dev.cdevents.incident.${kind}.0.2.0`, timeMs, { subject: { id: 'PD-7781', type: 'incident', content: { description: 'payment authorisations failing', environment: { id: 'production' }, service: { id: 'payments' } } } });
  events.push(incident('detected', at(14, 17)), incident('resolved', at(14, 22)));
  events.push(ce('io.vigil.security.finding.v1', at(20, 9), { findingId: 'trivy:checkout:CVE-2024-3094', severity: 'critical', title: 'xz backdoor', cve: 'CVE-2024-3094', package: 'xz-utils 5.6.0', scanner: 'trivy', service: 'checkout' }));
  events.push(ce('io.vigil.security.finding.v1', at(5, 9), { findingId: 'trivy:search:GHSA-1', severity: 'low', title: 'outdated header', scanner: 'trivy', service: 'search' }));
  events.push(ce('io.vigil.security.finding.v1', at(6, 9), { findingId: 'trivy:search:GHSA-1', severity: 'low', status: 'resolved', title: 'outdated header', scanner: 'trivy', service: 'search' }));
  events.push(ce('io.vigil.ml.model.deployed.v1', at(8, 11), { model: 'ranker', version: '12', environment: 'production', service: 'search' }));
  events.push(ce('io.vigil.ml.model.drift.v1', at(21, 11), { model: 'ranker', version: '12', feature: 'query_len', metric: 'psi', value: 0.27, threshold: 0.2, drifted: true, service: 'search' }));
  events.push(ce('io.vigil.chatops.operation.v1', at(10, 14.4), { command: '/rollback payments', user: 'ana', channel: '#payments', status: 'succeeded', service: 'payments' }));
  events.push(ce('io.vigil.data.pipeline.run.v1', at(1, 2), { pipeline: 'orders_daily', runId: 'r-1', status: 'failed', durationSeconds: 90, service: 'orders-etl' }));
  return events.sort((a, b) => String(a.time).localeCompare(String(b.time)));
}

/** Vigil's own incidents of the month, as the incident engine stores them. */
export const MONTH_INCIDENTS = [
  ...[2, 9, 16, 23].map((day) => ({ id: `inc-co-${day}`, services: ['checkout'], startMs: at(day, 12), resolvedMs: at(day, 13.5) })),
  { id: 'inc-co-27', services: ['checkout'], startMs: at(27, 20), resolvedMs: 0 },
];

/** Writes Vigil incidents in their latest state, through the incident engine's own insert. */
export async function storeIncidents(store: Store, incidents: typeof MONTH_INCIDENTS): Promise<void> {
  await queries.insertIncidents(
    store,
    incidents.map((i) => ({
      engineState: '',
      incident: {
        id: i.id, fingerprint: `fp-${i.id}`, title: `${i.services[0]} errors`, status: i.resolvedMs ? 'resolved' : 'open', severity: 'critical',
        services: i.services, rootService: i.services[0], startMs: i.startMs, updatedMs: i.resolvedMs || i.startMs,
        resolvedMs: i.resolvedMs || undefined, anomalyIds: [], suspects: [], version: i.resolvedMs ? 2 : 1,
      },
    })),
  );
}

/** One OTLP/JSON trace request per day: web → checkout → payments and web → search. */
export function monthTraceBodies(): string[] {
  const bodies: string[] = [];
  let traceNo = 0;
  const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');
  for (let day = 0; day < MONTH_DAYS; day++) {
    const spansBy: Record<string, object[]> = { web: [], checkout: [], payments: [], search: [] };
    for (let hour = 0; hour < 24; hour++) {
      const failing = day === MONTH_DAYS - 1 && hour === 23;
      const perHour = (hour >= 8 && hour < 20) || failing ? 6 : 1;
      for (let i = 0; i < perHour; i++) {
        const t = at(day, hour) + i * 60_000 * 7;
        const span = (service: string, traceId: string, spanId: string, parent: string, offsetMs: number, error = false) =>
          spansBy[service].push({
            traceId,
            spanId,
            parentSpanId: parent,
            name: `${service} request`,
            kind: 2,
            startTimeUnixNano: `${BigInt(t + offsetMs) * 1_000_000n}`,
            endTimeUnixNano: `${BigInt(t + offsetMs + 20) * 1_000_000n}`,
            status: { code: error ? 2 : 1 },
          });
        const a = hex(++traceNo, 32);
        span('web', a, hex(traceNo * 8 + 1, 16), '', 0);
        span('checkout', a, hex(traceNo * 8 + 2, 16), hex(traceNo * 8 + 1, 16), 2, failing);
        span('payments', a, hex(traceNo * 8 + 3, 16), hex(traceNo * 8 + 2, 16), 4);
        const b = hex(++traceNo, 32);
        span('web', b, hex(traceNo * 8 + 1, 16), '', 0);
        span('search', b, hex(traceNo * 8 + 2, 16), hex(traceNo * 8 + 1, 16), 2);
      }
    }
    bodies.push(
      JSON.stringify({
        resourceSpans: Object.entries(spansBy).map(([service, spans]) => ({
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [{ spans }],
        })),
      }),
    );
  }
  return bodies;
}
