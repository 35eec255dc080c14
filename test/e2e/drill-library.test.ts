import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillLibrary } from '../../chaos/drills/index.js';
import { startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * The whole drill library, end to end, against the synthetic topology on one embedded
 * Vigil: every fault type must be detected, and each report's numbers must follow from the
 * events it recorded (the time to detect is recomputed here from the recorded fault start
 * and the first anomaly on a service in the blast radius — not taken on trust). Compressed
 * time (a lower rate, a high speed and a shorter recovery) keeps it to a few minutes; the
 * timing goals are measured by `npm run bench:drills`.
 */
const SPEED = 60;
let vigil: TestVigil;
const reports: any[] = [];

beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

async function runDrill(text: string): Promise<any> {
  const spec = text
    .replace(/^(\s*speed:).*$/m, `$1 ${SPEED}`)
    .replace(/^(\s*rate:).*$/m, '$1 2')
    .replace(/^recovery:.*$/m, 'recovery: 6m');
  const res = await fetch(`${vigil.url}/api/v1/drills`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ spec }) });
  const started = (await res.json()) as any;
  expect(res.status, JSON.stringify(started)).toBe(202);
  for (;;) {
    const d = (await (await fetch(`${vigil.url}/api/v1/drills/${started.id}`)).json()) as any;
    if (!['pending', 'running'].includes(d.status)) return d;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('the drill library', () => {
  for (const drill of drillLibrary()) {
    it(`${drill.name}: detected, with numbers that follow from the recording`, async () => {
      const d = await runDrill(drill.text);
      expect(d.report, JSON.stringify(d).slice(0, 500)).toBeDefined();
      reports.push(d.report);
      const { score, recording, spec } = d.report;
      const [fault] = score.faults;
      expect(fault.detected, `${drill.name}: ${score.failures.join('; ')}`).toBe(true);
      // Recompute the time to detect from what was recorded.
      const start = recording.faults[0].wallStartMs;
      const first = recording.anomalies
        .filter((a: any) => a.wallMs >= start && a.wallMs >= recording.liveWallStartMs && spec.blastRadius.includes(a.service))
        .sort((a: any, b: any) => a.wallMs - b.wallMs)[0];
      expect(fault.firstAnomaly.id).toBe(first.id);
      expect(fault.timeToDetectSeconds).toBeCloseTo(((first.wallMs - start) * recording.speed) / 1000, 6);
      // Pages, when there are any, come after the fault and belong to its incident.
      if (fault.timeToPageSeconds !== null) {
        const page = recording.notifications.find((n: any) => n.incidentId === fault.incidentId && n.deliveredWallMs >= start);
        expect(page).toBeDefined();
      }
      expect(score.dataLoss.lost).toBe(0);
    }, 600_000);
  }

  it('covered every fault type', () => {
    const types = new Set(reports.map((r) => r.faults[0].type));
    expect([...types].sort()).toEqual(['bad-deploy', 'dependency-down', 'error-burst', 'latency', 'level-shift', 'log-flood', 'new-error-pattern', 'saturation', 'telemetry-loss']);
  });
});
