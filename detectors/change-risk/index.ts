/** Change-advisory risk: the pure model, its inputs' helpers and its evaluation against history. */
export { assessChangeRisk, levelOf, RISK_LEVELS, RISK_WEIGHTS, type RiskAssessment, type RiskFactor, type RiskInputs, type RiskLevel } from './model.js';
export { blastRadius } from './blast-radius.js';
export { freezeWindowAt, parseFreezeWindow, type FreezeWindow } from './freeze.js';
export { auc, calibration, type Calibration, type ScoredChange } from './evaluate.js';
