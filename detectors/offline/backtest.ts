/**
 * Precision and recall of detectors against the incidents in history. Pure: the caller
 * replays or reads each detector's anomalies and the incidents.
 *
 * An anomaly is a true positive when it overlaps an incident's window on the same service
 * (the window opens `slackMs` before the incident: anomalies come first, the incident
 * opens once they settle). An incident is detected by a detector when at least one of its
 * anomalies is a true positive for it. precision = true positives / anomalies,
 * recall = detected incidents / incidents, F1 their harmonic mean.
 */
export interface LabelIncident {
  id: string;
  services: readonly string[];
  startMs: number;
  /** Resolution time; the end of the backtest range while unresolved. */
  endMs: number;
}

export interface DetectedAnomaly {
  detector: string;
  service: string;
  startMs: number;
  endMs: number;
}

export interface DetectorScore {
  detector: string;
  anomalies: number;
  truePositives: number;
  incidents: number;
  detectedIncidents: number;
  /** NaN when the detector found nothing (no precision to speak of). */
  precision: number;
  /** NaN when there were no incidents. */
  recall: number;
  f1: number;
}

export function backtestScores(detectors: readonly string[], anomalies: readonly DetectedAnomaly[], incidents: readonly LabelIncident[], slackMs: number): DetectorScore[] {
  const byService = new Map<string, LabelIncident[]>();
  for (const i of incidents) for (const s of new Set(i.services)) (byService.get(s) ?? byService.set(s, []).get(s)!).push(i);
  return detectors.map((detector) => {
    const mine = anomalies.filter((a) => a.detector === detector);
    const detected = new Set<string>();
    let truePositives = 0;
    for (const a of mine) {
      const hits = (byService.get(a.service) ?? []).filter((i) => a.startMs <= i.endMs && a.endMs >= i.startMs - slackMs);
      if (hits.length > 0) truePositives++;
      for (const i of hits) detected.add(i.id);
    }
    const precision = mine.length === 0 ? NaN : truePositives / mine.length;
    const recall = incidents.length === 0 ? NaN : detected.size / incidents.length;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === 0 || recall === 0 ? 0 : NaN;
    return { detector, anomalies: mine.length, truePositives, incidents: incidents.length, detectedIncidents: detected.size, precision, recall, f1 };
  });
}
