import { RISK_LEVELS, type RiskLevel } from './model.js';

/** How well risk scores given before past changes separated the ones that failed. */
export interface ScoredChange {
  score: number;
  level: RiskLevel;
  failed: boolean;
}

export interface Calibration {
  level: RiskLevel;
  changes: number;
  failed: number;
  /** Observed failure rate at this level (null without changes). */
  failureRate: number | null;
}

/** Failure rate per risk level: a calibrated model fails more often at each higher level. */
export function calibration(changes: readonly ScoredChange[]): Calibration[] {
  return RISK_LEVELS.map((level) => {
    const at = changes.filter((c) => c.level === level);
    const failed = at.filter((c) => c.failed).length;
    return { level, changes: at.length, failed, failureRate: at.length > 0 ? failed / at.length : null };
  });
}

/**
 * Area under the ROC curve: the probability that a failed change scored higher than a
 * successful one (ties count half) — the Mann-Whitney U statistic over n₁·n₀ pairs,
 * computed from ranks. Null when either class is empty.
 */
export function auc(changes: readonly ScoredChange[]): number | null {
  const positives = changes.filter((c) => c.failed).length;
  const negatives = changes.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const sorted = [...changes].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let k = i; k < j; k++) if (sorted[k].failed) rankSum += averageRank;
    i = j;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
