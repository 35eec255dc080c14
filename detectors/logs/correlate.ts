/**
 * Error and warning patterns that accompany a metric or trace anomaly: for the anomaly's
 * service, the warning-or-worse patterns whose rate around the anomaly's start is well
 * above their rate in the hour before (or that did not occur before at all). Pure: the
 * caller supplies counts per pattern for both windows.
 */
export interface PatternWindowCounts {
  templateId: string;
  template: string;
  maxSeverityNumber: number;
  /** Records in the window around the anomaly's start. */
  windowCount: number;
  /** Records in the baseline window before it. */
  baselineCount: number;
}

export interface CorrelationOptions {
  windowMinutes: number;
  baselineMinutes: number;
  /** How many times the baseline rate the window rate must reach. */
  rateFactor: number;
  /** Fewest records in the window for a pattern to count. */
  minCount: number;
}

export const CORRELATION_DEFAULTS: CorrelationOptions = { windowMinutes: 6, baselineMinutes: 60, rateFactor: 3, minCount: 2 };

export interface CorrelatedPattern extends PatternWindowCounts {
  /** Window rate over baseline rate (Infinity when the pattern is new to the baseline). */
  lift: number;
}

export function correlatedPatterns(counts: readonly PatternWindowCounts[], options: CorrelationOptions = CORRELATION_DEFAULTS): CorrelatedPattern[] {
  const out: CorrelatedPattern[] = [];
  for (const c of counts) {
    if (c.windowCount < options.minCount) continue;
    const windowRate = c.windowCount / options.windowMinutes;
    const baselineRate = c.baselineCount / options.baselineMinutes;
    const lift = baselineRate === 0 ? Infinity : windowRate / baselineRate;
    if (lift >= options.rateFactor) out.push({ ...c, lift });
  }
  return out.sort((a, b) => b.lift - a.lift || b.windowCount - a.windowCount);
}
