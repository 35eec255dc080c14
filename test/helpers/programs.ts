import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/**
 * Finds an outside program a test needs. On a developer's machine an absent program
 * makes the suite skip with a note on how to get it; under CI=true it is a failure.
 */
export function findProgram(name: string, howToGet: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  const message = `${name} is not installed (${howToGet})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI must provide it`);
  console.warn(`skipping: ${message}`);
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
