/** DORA's four keys from deployment, change and failure events (pure; the caller queries the store). */
export { BANDS, changeFailureRateBand, deploymentFrequencyBand, leadTimeBand, overallBand, recoveryTimeBand, type Band } from './bands.js';
export { deploymentOutcomes, type Deployment, type DeploymentOutcome, type Failure, type MergedChange } from './outcomes.js';
export { doraReport, median, weekStart, type DoraMetrics, type DoraReport, type DoraWeek } from './report.js';
