/**
 * New-pattern anomalies: a log template seen for the first time is an anomaly when the
 * service it appears in has been logging for a while (so a newly deployed or newly
 * watched service does not alarm on everything it says), scored by its severity. Pure
 * event-time logic: the caller feeds the rows' own timestamps.
 */
export interface NewPatternOptions {
  /** Event time a service must have been logging before its new patterns count. */
  warmupMs: number;
  /** Services remembered at most (least recently seen forgotten first). */
  maxServices: number;
}

export const NEW_PATTERN_DEFAULTS: NewPatternOptions = { warmupMs: 10 * 60_000, maxServices: 10_000 };

export interface NewPatternVerdict {
  score: number;
}

/** OpenTelemetry severity numbers: 1–4 TRACE, 5–8 DEBUG, 9–12 INFO, 13–16 WARN, 17–20 ERROR, 21–24 FATAL. */
export function severityScore(severityNumber: number, severityText: string): number {
  const n = severityNumber > 0 ? severityNumber : textToNumber(severityText);
  if (n >= 21) return 1;
  if (n >= 17) return 0.9;
  if (n >= 13) return 0.7;
  if (n >= 9) return 0.45;
  return 0.3;
}

function textToNumber(text: string): number {
  const t = text.toUpperCase();
  if (t.startsWith('FATAL') || t.startsWith('CRIT') || t.startsWith('EMERG') || t.startsWith('ALERT')) return 21;
  if (t.startsWith('ERR')) return 17;
  if (t.startsWith('WARN')) return 13;
  if (t.startsWith('INFO') || t.startsWith('NOTICE')) return 9;
  return 5;
}

export class NewPatternPolicy {
  private readonly firstSeenMs = new Map<string, number>();

  constructor(private readonly options: NewPatternOptions = NEW_PATTERN_DEFAULTS) {}

  /** Notes that a service logged at `timeMs` (call for every row, or once per batch with its earliest time). */
  observe(service: string, timeMs: number): void {
    const first = this.firstSeenMs.get(service);
    if (first === undefined || timeMs < first) {
      if (first === undefined && this.firstSeenMs.size >= this.options.maxServices) {
        this.firstSeenMs.delete(this.firstSeenMs.keys().next().value as string);
      }
      this.firstSeenMs.set(service, timeMs);
    }
  }

  /** A verdict for a template first seen at `timeMs` in `service`, or undefined while the service warms up. */
  judge(service: string, timeMs: number, severityNumber: number, severityText: string): NewPatternVerdict | undefined {
    const first = this.firstSeenMs.get(service);
    if (first === undefined || timeMs - first < this.options.warmupMs) return undefined;
    return { score: severityScore(severityNumber, severityText) };
  }
}
