import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { findProgram } from './programs.js';

/** The tests' Python environment (gitignored): a venv with the real PyPI clients. */
export const PYTHON_ENV = fileURLToPath(new URL('../../.cache/pyenv', import.meta.url));

/**
 * A Python with `packages` installed from PyPI, in .cache/pyenv (created on first use; .ci/run
 * provisions it ahead). Skips (undefined) on a machine without python3 unless CI=true, where
 * anything missing fails the suite.
 */
export function pythonWith(packages: string[], modules: string[]): string | undefined {
  const python = `${PYTHON_ENV}/bin/python`;
  const ready = () => {
    try {
      execFileSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(python) && ready()) return python;
  const system = findProgram('python3', 'apt-get install python3 python3-venv');
  if (!system) return undefined;
  try {
    if (!existsSync(python)) execFileSync(system, ['-m', 'venv', PYTHON_ENV], { stdio: 'pipe' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...packages], { stdio: 'pipe', timeout: 300_000 });
  } catch (err) {
    const message = `could not provision ${packages.join(', ')} in ${PYTHON_ENV}: ${(err as { stderr?: Buffer }).stderr?.toString().slice(-500) ?? (err as Error).message}`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(`skipping: ${message}`);
    return undefined;
  }
  return ready() ? python : undefined;
}
