import type { FlatConfig } from '../config/schema.js';
import type { CapacityLimits } from './limits-config.js';

const DAY_MS = 86_400_000;

export interface CapacitySettings {
  stepMs: number;
  historyMs: number;
  defaultHorizonMs: number;
  maxHorizonMs: number;
  intervalLevel: number;
  maxMetrics: number;
  limits: CapacityLimits;
}

export interface CostSettings {
  anomalyWindowDays: number;
  anomalyMinDays: number;
  anomalyThreshold: number;
  incidentRateDays: number;
}

export function capacitySettings(config: FlatConfig): CapacitySettings {
  return {
    stepMs: config['capacity.stepMinutes'] * 60_000,
    historyMs: config['capacity.historyDays'] * DAY_MS,
    defaultHorizonMs: config['capacity.defaultHorizonHours'] * 3_600_000,
    maxHorizonMs: 90 * DAY_MS,
    intervalLevel: config['capacity.intervalLevel'],
    maxMetrics: config['capacity.maxMetrics'],
    limits: config['capacity.limits'],
  };
}

export function costSettings(config: FlatConfig): CostSettings {
  return {
    anomalyWindowDays: config['cost.anomalyWindowDays'],
    anomalyMinDays: config['cost.anomalyMinDays'],
    anomalyThreshold: config['cost.anomalyThreshold'],
    incidentRateDays: config['cost.incidentRateDays'],
  };
}
