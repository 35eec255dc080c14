import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));

export interface VigilProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Runs `vigil start` as a separate process (so it can be killed) and waits until it listens. */
export async function spawnVigil(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<VigilProcess> {
  const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--clickhouse-port', '0', '--log-level', 'warn', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = () => {
      const m = /Vigil listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vigil exited with ${code} before listening:\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

export function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}
