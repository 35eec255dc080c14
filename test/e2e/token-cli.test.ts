import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { stopProcess } from '../helpers/roles.js';
import { spawnVigil, type VigilProcess } from '../helpers/vigil-process.js';

/**
 * `vigil token …` as an operator uses it: the first admin token made on the stopped data
 * directory, then tokens managed through the running Vigil's API; and `vigil start` refusing
 * to serve a public interface without tokens.
 */
const BIN = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
const INTERNAL = 'internal-token-of-the-cli-test';
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-token-cli-'));
let vigil: VigilProcess | undefined;

const vigilCli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
};

afterAll(async () => {
  await stopProcess(vigil);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('vigil token', () => {
  it('bootstraps an admin on the stopped data directory, then manages tokens through the running Vigil', async () => {
    const root = await vigilCli(['token', 'create', '--data-dir', dataDir, '--name', 'root', '--role', 'admin', '--log-level', 'silent']);
    expect(root).toMatchObject({ code: 0, stdout: expect.stringMatching(/^vigil_\S{43}\n$/) });
    const rootToken = root.stdout.trim();

    vigil = await spawnVigil(['--data-dir', dataDir, '--auth-mode', 'required'], { VIGIL_AUTH_INTERNAL_TOKEN: INTERNAL, VIGIL_DETECT_ENABLED: 'false' });
    expect((await fetch(`${vigil.url}/api/v1/tokens`)).status).toBe(401);
    expect((await fetch(`${vigil.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${rootToken}` } })).status).toBe(200);

    const busy = await vigilCli(['token', 'list', '--data-dir', dataDir]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/is in use \(is Vigil running\?\).*--url/);

    const ci = await vigilCli(['token', 'create', '--url', vigil.url, '--name', 'ci', '--role', 'ingest,viewer', '--json'], { VIGIL_TOKEN: rootToken });
    expect(ci.code).toBe(0);
    const created = JSON.parse(ci.stdout) as { token: string; id: string; roles: string[] };
    expect(created.roles).toEqual(['ingest', 'viewer']);
    expect((await fetch(`${vigil.url}/api/v1/stats`, { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(200);

    const list = await vigilCli(['token', 'list', '--url', vigil.url], { VIGIL_AUTH_INTERNAL_TOKEN: INTERNAL });
    expect(list.stdout).toMatch(/root\s+admin/);
    expect(list.stdout).toMatch(/ci\s+ingest,viewer/);
    expect(list.stdout).not.toContain(created.token);

    expect((await vigilCli(['token', 'revoke', 'ci', '--url', vigil.url], { VIGIL_TOKEN: rootToken })).stdout).toContain(`revoked ${created.id}`);
    expect((await fetch(`${vigil.url}/api/v1/stats`, { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(401);
    expect((await vigilCli(['token', 'revoke', 'ci', '--url', vigil.url], { VIGIL_TOKEN: created.token })).code).toBe(1);
  }, 180_000); // several CLI processes and a Vigil start: slow on a loaded 2-core machine

  it('start refuses auth off on a public interface without --insecure-no-auth', async () => {
    const refused = await vigilCli(['start', '--host', '0.0.0.0', '--port', '0', '--auth-mode', 'off', '--data-dir', join(dataDir, 'other')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/auth\.mode: off on 0\.0\.0\.0.*--insecure-no-auth/);
  });
});
