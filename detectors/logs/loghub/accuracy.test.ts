import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../../test/helpers/shared-data.js';
import { listSystems, runLoghub } from './run.js';

/**
 * Accuracy on the Loghub-2k development systems with the one default configuration
 * (benchmarks/LOGHUB.md). Runs where the shared data set is present (../shared/data/loghub
 * beside the repository, or VIGIL_LOGHUB_DIR).
 */
const root = sharedDataDir('loghub', 'VIGIL_LOGHUB_DIR');

describe.skipIf(!existsSync(root))('Loghub-2k accuracy', () => {
  it('averages GA ≥ 0.95 and PA ≥ 0.80 over the development systems', async () => {
    const runs = await Promise.all((await listSystems(root)).map((dir) => runLoghub(dir)));
    const scored = runs.filter((r) => r.score);
    expect(scored.length).toBeGreaterThan(0);
    const mean = (pick: (s: NonNullable<(typeof runs)[number]['score']>) => number) => scored.reduce((sum, r) => sum + pick(r.score!), 0) / scored.length;
    expect(mean((s) => s.ga)).toBeGreaterThanOrEqual(0.95);
    expect(mean((s) => s.pa)).toBeGreaterThanOrEqual(0.8);
  });
});
