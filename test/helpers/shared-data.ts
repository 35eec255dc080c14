import { fileURLToPath } from 'node:url';

/**
 * Where the public benchmark data lives: `../shared/data/<name>` beside the repository
 * (as on developer machines and CI), unless the given environment variable names a path.
 */
export function sharedDataDir(name: 'nab' | 'loghub', envVar: string): string {
  return process.env[envVar] ?? fileURLToPath(new URL(`../../../shared/data/${name}`, import.meta.url));
}
