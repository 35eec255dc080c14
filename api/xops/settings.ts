import type { FreezeWindow } from '../../detectors/change-risk/index.js';
import type { FlatConfig } from '../config/schema.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DoraSettings {
  failureWindowMs: number;
  /** Lower-case environment ids; empty = every environment. */
  environments: string[];
  leadTimeLookbackMs: number;
}

export interface ChangeRiskSettings {
  dora: DoraSettings;
  historyMs: number;
  sloErrorRatio: number;
  freezeWindows: FreezeWindow[];
}

export function doraSettings(config: FlatConfig): DoraSettings {
  return {
    failureWindowMs: config['dora.failureWindowHours'] * HOUR_MS,
    environments: config['dora.environments'].split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== ''),
    leadTimeLookbackMs: config['dora.leadTimeLookbackDays'] * DAY_MS,
  };
}

export function changeRiskSettings(config: FlatConfig): ChangeRiskSettings {
  return {
    dora: doraSettings(config),
    historyMs: config['changeRisk.historyDays'] * DAY_MS,
    sloErrorRatio: config['changeRisk.sloErrorRatio'],
    freezeWindows: config['changeRisk.freezeWindows'],
  };
}
