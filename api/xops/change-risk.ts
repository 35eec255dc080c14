import { queries, type Store } from '../../analytics/index.js';
import { assessChangeRisk, blastRadius, freezeWindowAt, type RiskAssessment, type RiskInputs } from '../../detectors/change-risk/index.js';
import { loadOutcomes } from './dora.js';
import type { ChangeRiskSettings } from './settings.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How far back an incident may have started and still be open, and an anomaly still active. */
const INCIDENT_LOOKBACK_MS = 30 * DAY_MS;
const ANOMALY_LOOKBACK_MS = 7 * DAY_MS;
/** An open anomaly's end is its last anomalous minute; within this of `at` it is active. */
const ANOMALY_GRACE_MS = 5 * 60_000;
/** Call edges from this long before `at` define the blast radius. */
const EDGE_LOOKBACK_MS = DAY_MS;
const TRAFFIC_LOOKBACK_MS = 28 * DAY_MS;

export interface ChangeRequest {
  service: string;
  type: string;
  /** When the change is planned (event time, ms): risk is assessed from what was known before it. */
  atMs: number;
  size?: number;
}

export interface ChangeRiskAnswer extends RiskAssessment {
  blastRadius: string[];
}

/** Gathers the model's inputs from the store as of `change.atMs` and scores the change. */
export async function assessChange(store: Store, change: ChangeRequest, settings: ChangeRiskSettings): Promise<ChangeRiskAnswer> {
  const { inputs, radius } = await gatherInputs(store, change, settings);
  return { ...assessChangeRisk(inputs), blastRadius: radius };
}

async function gatherInputs(store: Store, change: ChangeRequest, settings: ChangeRiskSettings): Promise<{ inputs: RiskInputs; radius: string[] }> {
  const { service, atMs: at } = change;
  const [history, edges, incidents, anomalies, findings, errors, traffic] = await Promise.all([
    loadOutcomes(store, { fromMs: at - settings.historyMs, untilMs: at, services: [service] }, settings.dora),
    queries.callEdgesBefore(store, at, EDGE_LOOKBACK_MS),
    queries.openIncidentsAt(store, at, INCIDENT_LOOKBACK_MS, settings.dora.environments),
    queries.activeAnomaliesAt(store, at, ANOMALY_LOOKBACK_MS, ANOMALY_GRACE_MS),
    queries.openFindingsAt(store, service, at),
    queries.spanErrorsBefore(store, service, at, HOUR_MS),
    queries.weeklyTrafficBefore(store, service, at, TRAFFIC_LOOKBACK_MS),
  ]);
  const radius = blastRadius(service, edges);
  const near = new Set(radius);
  const own = incidents.filter((i) => i.services.includes(service));
  return {
    radius,
    inputs: {
      history: { deployments: history.length, failedDeployments: history.filter((d) => d.failed).length, windowDays: Math.round(settings.historyMs / DAY_MS) },
      openIncidents: own.map((i) => i.ref),
      activeAnomalies: anomalies.find((a) => a.service === service)?.count ?? 0,
      blastRadius: {
        services: radius,
        openIncidents: incidents.filter((i) => !own.includes(i) && i.services.some((s) => near.has(s))).length,
        activeAnomalies: anomalies.filter((a) => near.has(a.service)).reduce((n, a) => n + a.count, 0),
      },
      deploymentsLast24h: history.filter((d) => d.timeMs >= at - DAY_MS).length,
      openFindings: { critical: findings.critical ?? 0, high: findings.high ?? 0 },
      errors: { ...errors, sloErrorRatio: settings.sloErrorRatio },
      freezeWindow: freezeWindowAt(settings.freezeWindows, at)?.text ?? null,
      traffic: traffic.size === 0 ? null : { atHour: traffic.get(hourOfWeek(at)) ?? 0, peakHour: Math.max(...traffic.values()) },
      size: change.size,
    },
  };
}

/** 0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00. */
function hourOfWeek(ms: number): number {
  const d = new Date(ms);
  return ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
}
