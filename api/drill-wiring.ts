import type { AnomalyMessage } from '../detectors/runner/index.js';
import type { IncidentMessage } from '../detectors/incidents/index.js';
import type { SeenAnomaly, SeenIncident } from '../chaos/drills/index.js';
import { parseChangeWindow } from './change-window.js';
import type { FlatConfig } from './config/schema.js';
import { VigilError } from './errors.js';

/** What a drill records of the live streams (arrival time is the wall clock now). */
export function seenAnomaly(m: AnomalyMessage): SeenAnomaly {
  const a = m.anomaly;
  return { id: a.id, service: a.service, signal: a.signal, seriesKey: a.seriesKey, peakScore: a.peakScore, wallMs: Date.now() };
}

export function seenIncident(m: IncidentMessage): SeenIncident {
  const i = m.incident;
  return {
    id: i.id,
    transition: m.transition,
    status: i.status,
    services: i.services,
    rootService: i.rootService,
    suspects: i.suspects.map((s) => ({ kind: s.kind, name: s.name, service: s.service, rank: s.rank, confidence: s.confidence, explanation: s.explanation })),
    wallMs: Date.now(),
  };
}

/** `drills.changeWindow`, checked at start-up so a bad window fails fast naming the key. */
export function changeWindow(config: FlatConfig): (ms: number) => boolean {
  try {
    return parseChangeWindow(config['drills.changeWindow']);
  } catch (err) {
    throw new VigilError('CONFIG_INVALID', `drills.changeWindow: ${(err as Error).message}`);
  }
}
