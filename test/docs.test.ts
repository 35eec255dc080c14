import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, envName } from '../api/config/schema.js';
import { ERROR_CATALOG } from '../api/errors.js';

/** README's reference tables must stay true: every config key and every error code is documented. */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('documents every configuration key with its environment variable and default', () => {
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, key).toBeDefined();
      expect(row).toContain(`\`${envName(key)}\``);
      expect(row).toContain(spec.default === '' ? '(empty)' : `\`${spec.default}\``);
    }
  });

  it('documents every error code with its HTTP status', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOG)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, code).toBeDefined();
      expect(row).toContain(`| ${spec.status} |`);
    }
  });

  it('keeps the two-command quick start', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
