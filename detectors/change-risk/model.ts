/**
 * Change-advisory risk: a transparent additive model. Each factor maps one observation to
 * a value in [0, 1]; the score is the sum of weight × value, the weights adding up to 100,
 * so the score reads as "points out of 100" and every point is explained by a factor.
 * Levels: < 25 low, < 50 medium, < 75 high, else critical; a change inside a freeze window
 * is at least high whatever its score (a freeze is a policy, not a probability).
 *
 * The weights are a judgement, checked against history by `vigil backtest change-risk`
 * (calibration per level and AUC): a service's own state (failure history, open incidents,
 * anomalies) weighs most, its neighbours' next, then the change's circumstances.
 */
export interface RiskInputs {
  /** The service's deployments in the history window before the change, and how many failed (DORA definition). */
  history: { deployments: number; failedDeployments: number; windowDays: number };
  /** Open incident refs on the service itself. */
  openIncidents: string[];
  /** Active anomalies on the service itself. */
  activeAnomalies: number;
  /** Services the change's service calls or is called by, transitively, with their trouble. */
  blastRadius: { services: string[]; openIncidents: number; activeAnomalies: number };
  /** The service's deployments in the 24 hours before the change. */
  deploymentsLast24h: number;
  /** Unresolved security findings of the service by severity. */
  openFindings: { critical: number; high: number };
  /** Span calls and errors of the service in the hour before the change, and its SLO error ratio. */
  errors: { calls: number; errors: number; sloErrorRatio: number };
  /** The freeze window the change falls in, or null. */
  freezeWindow: string | null;
  /** Mean calls per hour of the week: at the change's hour and at the busiest hour (null without traffic history). */
  traffic: { atHour: number; peakHour: number } | null;
  /** Lines changed, when the caller says. */
  size?: number;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export const RISK_LEVELS: readonly RiskLevel[] = ['low', 'medium', 'high', 'critical'];

export interface RiskFactor {
  name: string;
  /** Points this factor can add at most. */
  weight: number;
  /** 0..1. */
  value: number;
  /** weight × value. */
  points: number;
  /** What was observed, in words. */
  evidence: string;
}

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  factors: RiskFactor[];
}

/** Points per factor; they add up to 100. */
export const RISK_WEIGHTS = {
  changeFailureRate: 18,
  openIncidents: 15,
  activeAnomalies: 10,
  blastRadius: 10,
  changeVelocity: 7,
  securityFindings: 10,
  errorBudgetBurn: 10,
  freezeWindow: 12,
  trafficTiming: 4,
  changeSize: 4,
} as const;

/**
 * Prior for a service's change failure rate: as if it had 4 deployments failing at 15 %
 * (the DORA 2023 medium/low boundary), so a service with two deployments does not swing
 * from 0 to 50 %. A smoothed rate of 50 % or more is the full weight.
 */
const PRIOR_DEPLOYS = 4;
const PRIOR_RATE = 0.15;
const SATURATING_FAILURE_RATE = 0.5;
/**
 * Burn rate at which the error budget factor is full: 14.4× over one hour spends 2 % of a
 * 30-day budget, the fast-burn paging threshold of the Google SRE Workbook ("Alerting on
 * SLOs", table 5-8). At or below 1× (on budget) the factor is 0.
 */
const FAST_BURN = 14.4;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function assessChangeRisk(inputs: RiskInputs): RiskAssessment {
  const w = RISK_WEIGHTS;
  const { history, errors, traffic } = inputs;
  const smoothed = (history.failedDeployments + PRIOR_DEPLOYS * PRIOR_RATE) / (history.deployments + PRIOR_DEPLOYS);
  const errorRatio = errors.calls > 0 ? errors.errors / errors.calls : 0;
  const burn = errors.sloErrorRatio > 0 ? errorRatio / errors.sloErrorRatio : 0;
  const findings = inputs.openFindings;
  const factor = (name: keyof typeof RISK_WEIGHTS, value: number, evidence: string): RiskFactor => {
    const v = clamp01(value);
    return { name, weight: w[name], value: round(v, 3), points: round(w[name] * v, 2), evidence };
  };

  const factors = [
    factor(
      'changeFailureRate',
      smoothed / SATURATING_FAILURE_RATE,
      `${history.failedDeployments} of ${history.deployments} deployments in the last ${history.windowDays} days failed (smoothed rate ${pct(smoothed)})`,
    ),
    factor('openIncidents', inputs.openIncidents.length, inputs.openIncidents.length === 0 ? 'no open incident on the service' : `open incidents: ${inputs.openIncidents.join(', ')}`),
    factor('activeAnomalies', inputs.activeAnomalies / 3, `${inputs.activeAnomalies} active anomalies on the service`),
    factor(
      'blastRadius',
      (inputs.blastRadius.openIncidents + 0.5 * inputs.blastRadius.activeAnomalies) / 2,
      inputs.blastRadius.services.length === 0
        ? 'no callers or dependencies seen in the last 24 h'
        : `${inputs.blastRadius.services.length} connected services (${inputs.blastRadius.services.slice(0, 8).join(', ')}${inputs.blastRadius.services.length > 8 ? ', …' : ''}): ${inputs.blastRadius.openIncidents} open incidents, ${inputs.blastRadius.activeAnomalies} active anomalies`,
    ),
    factor('changeVelocity', inputs.deploymentsLast24h / 5, `${inputs.deploymentsLast24h} deployments of the service in the last 24 h`),
    factor('securityFindings', findings.critical + 0.5 * findings.high, `${findings.critical} critical and ${findings.high} high security findings unresolved`),
    factor(
      'errorBudgetBurn',
      (burn - 1) / (FAST_BURN - 1),
      errors.calls === 0 ? 'no spans in the last hour' : `error ratio ${pct(errorRatio)} over the last hour = ${burn.toFixed(1)}× the SLO budget (${pct(errors.sloErrorRatio)})`,
    ),
    factor('freezeWindow', inputs.freezeWindow === null ? 0 : 1, inputs.freezeWindow === null ? 'outside every freeze window' : `inside freeze window ${inputs.freezeWindow}`),
    factor(
      'trafficTiming',
      traffic && traffic.peakHour > 0 ? traffic.atHour / traffic.peakHour : 0,
      traffic && traffic.peakHour > 0 ? `traffic at that hour of the week is ${pct(traffic.atHour / traffic.peakHour)} of the busiest hour` : 'no traffic history',
    ),
    factor('changeSize', inputs.size === undefined ? 0 : Math.log10(1 + inputs.size) / 3, inputs.size === undefined ? 'size not given' : `${inputs.size} lines changed`),
  ];
  const score = round(factors.reduce((sum, f) => sum + f.points, 0), 1);
  let level = levelOf(score);
  if (inputs.freezeWindow !== null && RISK_LEVELS.indexOf(level) < RISK_LEVELS.indexOf('high')) level = 'high';
  return { score, level, factors };
}

export function levelOf(score: number): RiskLevel {
  if (score < 25) return 'low';
  if (score < 50) return 'medium';
  if (score < 75) return 'high';
  return 'critical';
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
