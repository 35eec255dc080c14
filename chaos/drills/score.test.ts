import { describe, expect, it } from 'vitest';
import { scoreDrill, type DrillRecording } from './score.js';
import { parseDrillSpec } from './spec.js';

const spec = parseDrillSpec(`
name: t
faults: [{ type: error-burst, service: payments, at: 1m, duration: 3m }]
blastRadius: [payments, checkout, frontend]
`);
const W = 1_000_000; // wall time of the fault start

function recording(overrides: Partial<DrillRecording> = {}): DrillRecording {
  return {
    speed: 10,
    liveWallStartMs: W - 6_000,
    endWallMs: W + 60_000,
    faults: [{ spec: spec.faults[0], startMs: 5_000_000, endMs: 5_180_000, wallStartMs: W, wallEndMs: W + 18_000, dropped: {} }],
    anomalies: [
      { id: 'before', service: 'payments', signal: 'metric', seriesKey: 'k0', wallMs: W - 1_000, peakScore: 0.6 },
      { id: 'a1', service: 'checkout', signal: 'span_errors', seriesKey: 'k1', wallMs: W + 2_000, peakScore: 0.7 },
      { id: 'a1', service: 'checkout', signal: 'span_errors', seriesKey: 'k1', wallMs: W + 2_500, peakScore: 0.8 },
      { id: 'fa', service: 'inventory', signal: 'span_rate', seriesKey: 'k2', wallMs: W + 9_000, peakScore: 0.55 },
    ],
    incidents: [
      { id: 'i1', transition: 'opened', status: 'open', services: ['checkout'], rootService: 'checkout', suspects: [{ kind: 'service', name: 'checkout', service: 'checkout', rank: 1, confidence: 0.5, explanation: '' }], wallMs: W + 3_000 },
      {
        id: 'i1', transition: 'updated', status: 'open', services: ['payments', 'checkout'], rootService: 'payments', wallMs: W + 4_000,
        suspects: [
          { kind: 'service', name: 'payments', service: 'payments', rank: 1, confidence: 0.8, explanation: '' },
          { kind: 'change', name: 'deploy payments', service: 'payments', rank: 2, confidence: 0.5, explanation: '' },
          { kind: 'service', name: 'checkout', service: 'checkout', rank: 3, confidence: 0.3, explanation: '' },
        ],
      },
      { id: 'i1', transition: 'resolved', status: 'resolved', services: ['payments', 'checkout'], rootService: 'payments', suspects: [], wallMs: W + 30_000 },
    ],
    notifications: [
      { incidentId: 'i1', channel: 'pd', transition: 'opened', status: 'delivered', deliveredWallMs: W + 3_500 },
      { incidentId: 'i1', channel: 'pd', transition: 'resolved', status: 'delivered', deliveredWallMs: W + 30_200 },
    ],
    canary: { enabled: true, sent: 100, droppedOnPurpose: 0, stored: 100 },
    ...overrides,
  };
}

describe('drill scoring', () => {
  it('computes every time from the recorded fault start, in event-time seconds', () => {
    const s = scoreDrill(spec, recording());
    expect(s.faults[0]).toMatchObject({
      detected: true,
      timeToDetectSeconds: 20, // 2 s of wall at 10x
      firstAnomaly: { id: 'a1', service: 'checkout' },
      timeToIncidentSeconds: 30,
      incidentId: 'i1',
      timeToPageSeconds: 35,
      rootCauseRank: 1, // as ranked when the fault ended
      topSuspect: 'payments',
      recoverySeconds: 120, // fault end (W+18 s) → resolved (W+30 s), 12 s × 10
    });
    expect(s.falseAlarms.map((a) => a.id)).toEqual(['fa']);
    expect(s.passed).toBe(false);
    expect(s.failures).toEqual(['1 false alarm(s) outside the blast radius (allowed 0)']);
    expect(s.score).toBe(95);
  });

  it('reports a miss, a late page, a wrong root cause and lost canaries', () => {
    const s = scoreDrill(spec, recording({ anomalies: [], notifications: [], incidents: [], canary: { enabled: true, sent: 100, droppedOnPurpose: 7, stored: 98 } }));
    expect(s.faults[0]).toMatchObject({ detected: false, timeToDetectSeconds: null, timeToPageSeconds: null, rootCauseRank: null });
    expect(s.dataLoss).toEqual({ generated: 107, sent: 100, droppedOnPurpose: 7, stored: 98, missing: 9, lost: 2 });
    expect(s.failures).toEqual([
      'error-burst:payments: not detected',
      'error-burst:payments: no page delivered',
      'error-burst:payments: root cause payments ranked nowhere (top suspect: none)',
      '2 canary record(s) lost (allowed 0)',
    ]);
    expect(s.score).toBe(5);
  });

  it('counts records dropped on purpose as missing, not lost', () => {
    const s = scoreDrill(spec, recording({ canary: { enabled: true, sent: 93, droppedOnPurpose: 7, stored: 93 } }));
    expect(s.dataLoss).toMatchObject({ generated: 100, missing: 7, lost: 0 });
  });
});
