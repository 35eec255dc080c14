import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { changeRiskSettings } from './settings.js';

describe('dora.* and changeRisk.* configuration', () => {
  it('defaults: production deployments, a 24 h failure window, no freeze', () => {
    const s = changeRiskSettings(loadConfig({ env: {} }));
    expect(s.dora).toEqual({ failureWindowMs: 24 * 3_600_000, environments: ['production', 'prod'], leadTimeLookbackMs: 90 * 86_400_000 });
    expect(s.freezeWindows).toEqual([]);
    expect(s.sloErrorRatio).toBe(0.001);
  });

  it('reads the freeze calendar as JSON from the environment and names a bad window', () => {
    const env = { VIGIL_CHANGE_RISK_FREEZE_WINDOWS: '["Fri 16:00-Mon 08:00", "2026-12-20T00:00:00Z/2027-01-04T00:00:00Z"]', VIGIL_DORA_ENVIRONMENTS: ' Prod , live,' };
    const s = changeRiskSettings(loadConfig({ env }));
    expect(s.freezeWindows.map((w) => w.text)).toEqual(['Fri 16:00-Mon 08:00', '2026-12-20T00:00:00Z/2027-01-04T00:00:00Z']);
    expect(s.dora.environments).toEqual(['prod', 'live']);
    expect(() => loadConfig({ env: { VIGIL_CHANGE_RISK_FREEZE_WINDOWS: '["Fri 16:00-Mon 08:00", "Fri 25:00-Mon 08:00"]' } })).toThrow(
      /invalid configuration: changeRisk\.freezeWindows\[1\]: freeze window "Fri 25:00-Mon 08:00"/,
    );
    expect(() => loadConfig({ env: { VIGIL_CHANGE_RISK_FREEZE_WINDOWS: '"Fri 16:00-Mon 08:00"' } })).toThrow(/changeRisk\.freezeWindows: expected a list/);
  });
});
