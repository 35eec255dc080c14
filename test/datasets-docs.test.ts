import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../analytics/queries/datasets.js';
import { SANDBOX_TABLES } from '../analytics/index.js';

/** README "Datasets" documents every dataset and column of the registry, and the sandbox lets analysts read each one. */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('datasets documentation', () => {
  it('has a section per dataset with a row per column', () => {
    for (const d of DATASETS) {
      const start = readme.indexOf(`### \`${d.name}\``);
      expect(start, d.name).toBeGreaterThan(0);
      const section = readme.slice(start, readme.indexOf('\n### ', start + 1) > 0 ? readme.indexOf('\n### ', start + 1) : undefined);
      for (const c of d.columns) expect(section, `${d.name}.${c.name}`).toContain(`| \`${c.name}\` | \`${c.type}\` |`);
    }
  });

  it('every dataset is readable in the SQL sandbox', () => {
    for (const d of DATASETS) expect(SANDBOX_TABLES.has(d.name), d.name).toBe(true);
  });
});
