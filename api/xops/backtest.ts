import type { Store } from '../../analytics/index.js';
import { auc, calibration, type Calibration, type RiskLevel } from '../../detectors/change-risk/index.js';
import { assessChange } from './change-risk.js';
import { loadOutcomes } from './dora.js';
import type { ChangeRiskSettings } from './settings.js';

export interface BacktestChange {
  ref: string;
  service: string;
  timeMs: number;
  score: number;
  level: RiskLevel;
  failed: boolean;
}

export interface BacktestResult {
  changes: BacktestChange[];
  calibration: Calibration[];
  auc: number | null;
}

/**
 * Replays every deployment in [since, until): scores it with only the data from before it
 * (the same queries as the live API, asked as of the deployment's time), then compares with
 * what happened — failed per the DORA definition, observed up to `until`.
 */
export async function backtestChangeRisk(
  store: Store,
  range: { sinceMs: number; untilMs: number },
  settings: ChangeRiskSettings,
  onChange?: (done: number, total: number) => void,
): Promise<BacktestResult> {
  const outcomes = await loadOutcomes(store, { fromMs: range.sinceMs, untilMs: range.untilMs }, settings.dora);
  const changes: BacktestChange[] = [];
  for (const d of outcomes) {
    const risk = await assessChange(store, { service: d.service, type: 'deploy', atMs: d.timeMs }, settings);
    changes.push({ ref: d.ref, service: d.service, timeMs: d.timeMs, score: risk.score, level: risk.level, failed: d.failed });
    onChange?.(changes.length, outcomes.length);
  }
  return { changes, calibration: calibration(changes), auc: auc(changes) };
}
