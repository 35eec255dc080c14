import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { pythonWith } from '../helpers/python.js';
import { otlpLogs } from '../helpers/roles.js';

/**
 * The real clickhouse-connect from PyPI reads Vigil's logs into a pandas DataFrame through the
 * ClickHouse HTTP interface with an analyst token, and is refused what the sandbox refuses.
 */
const python = pythonWith(['clickhouse-connect', 'pandas'], ['clickhouse_connect', 'pandas']);
const SCRIPT = fileURLToPath(new URL('./clickhouse_connect_client.py', import.meta.url));
const INTERNAL = 'internal-token-of-the-python-test';
let vigil: TestVigil;
let token: string;

describe.skipIf(!python)('clickhouse-connect (Python) against the ClickHouse HTTP interface', () => {
  beforeAll(async () => {
    vigil = await startTestVigil({ 'auth.mode': 'required', 'auth.internalToken': INTERNAL, 'clickhouse.enabled': true, 'clickhouse.port': 0, 'detect.enabled': false });
    token = (await vigil.access.tokens.create({ name: 'notebook', roles: ['analyst'], createdBy: 'test' })).token;
    const ingest = (await vigil.access.tokens.create({ name: 'collector', roles: ['ingest'], createdBy: 'test' })).token;
    for (const service of ['checkout', 'payments']) {
      const res = await fetch(`${vigil.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: otlpLogs(service, `${service}-line`, 3) });
      expect(res.status).toBe(200);
    }
  });
  afterAll(async () => {
    await vigil?.stop();
  });

  it('reads a dataset into pandas, and is refused writes, private tables and files, changing nothing; user vigil writes', async () => {
    const url = new URL(vigil.clickhouseUrl!);
    const { stdout } = await promisify(execFile)(python!, [SCRIPT, url.hostname, url.port, token, INTERNAL], { timeout: 60_000 });
    const seen = JSON.parse(stdout);
    expect(seen).toMatchObject({
      columns: ['service', 'body', 'ts'],
      rows: 6,
      services: ['checkout', 'payments'],
      bodies: expect.arrayContaining(['checkout-line-0', 'payments-line-2']),
      ts_dtype: expect.stringMatching(/^datetime64/),
      injected_count: 0,
      after: 6,
      internal_rows: 20000,
    });
    expect(seen.drop).toMatch(/ACCESS_DENIED|497/);
    expect(seen.insert).toMatch(/READONLY|164/);
    expect(seen.tokens).toMatch(/not on the sandbox allowlist/);
    expect(seen.file).toMatch(/table function file is not accepted/);
  });
});
