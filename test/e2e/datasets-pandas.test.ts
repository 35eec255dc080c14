import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { pythonWith } from '../helpers/python.js';
import { ShopTraces, type ShopMinute } from '../helpers/shop-traces.js';

/**
 * A data scientist's path: the real `clickhouse-connect` (Python) reads a curated dataset into
 * a pandas DataFrame through Vigil's ClickHouse endpoint, authenticated as an analyst.
 */
const python = pythonWith(['clickhouse-connect', 'pandas'], ['clickhouse_connect', 'pandas']);

const BASE_MS = Date.UTC(2026, 0, 1);
const MINUTES = 20;

/** Runs the script without blocking the event loop: the Vigil it talks to lives in this process. */
function runPython(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(python!, ['-c', SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as NodeJS.ErrnoException).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

const SCRIPT = `
import json, sys
import clickhouse_connect
host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
client = clickhouse_connect.get_client(host=host, port=port, username='analyst', password=token)
df = client.query_df("SELECT * FROM dataset_spans_red_1m WHERE SpanKind = 'Server' ORDER BY Minute, ServiceName")
per_service = df.groupby('ServiceName')['Calls'].sum()
print(json.dumps({
    'rows': len(df),
    'columns': list(df.columns),
    'minute_dtype': str(df['Minute'].dtype),
    'calls': {k: int(v) for k, v in per_service.items()},
    'max_p95_ms': float(df['P95Ms'].max()),
}))
`;

describe.skipIf(!python)('clickhouse-connect reads a dataset into pandas', () => {
  let vigil: TestVigil;
  let analyst: string;
  beforeAll(async () => {
    vigil = await startTestVigil({ 'auth.mode': 'required', 'clickhouse.enabled': true, 'clickhouse.port': 0, 'detect.enabled': false });
    analyst = (await vigil.access.tokens.create({ name: 'data-scientist', roles: ['analyst'], createdBy: 'test' })).token;
    const ingest = (await vigil.access.tokens.create({ name: 'ingest', roles: ['ingest'], createdBy: 'test' })).token;
    const minutes: ShopMinute[] = Array.from({ length: MINUTES }, (_, m) => ({ minuteMs: BASE_MS + m * 60_000, paymentsFailure: 0, paymentsVersion: '2.0.0' }));
    const res = await fetch(`${vigil.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest}` }, body: new ShopTraces(6, 9).body(minutes) });
    expect(res.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await vigil?.stop();
  });

  it('gets dataset_spans_red_1m as a DataFrame with the documented columns and the stored counts', async () => {
    const url = new URL(vigil.clickhouseUrl!);
    const run = await runPython([url.hostname, url.port, analyst]);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { rows: number; columns: string[]; minute_dtype: string; calls: Record<string, number>; max_p95_ms: number };
    expect(result.columns).toEqual(['Minute', 'ServiceName', 'SpanName', 'SpanKind', 'Calls', 'Errors', 'ErrorRatio', 'AvgMs', 'P50Ms', 'P95Ms', 'P99Ms']);
    expect(result.minute_dtype).toMatch(/^datetime64/);
    const stored = await vigil.store.query<{ ServiceName: string; n: string }>(
      "SELECT ServiceName, toString(count()) AS n FROM otel_traces WHERE SpanKind = 'Server' GROUP BY ServiceName");
    expect(result.calls).toEqual(Object.fromEntries(stored.map((r) => [r.ServiceName, Number(r.n)])));
    expect(result.rows).toBeGreaterThanOrEqual(MINUTES * 6);
    expect(result.max_p95_ms).toBeGreaterThan(1);
  });

  it('refuses the same read without an analyst token', async () => {
    const url = new URL(vigil.clickhouseUrl!);
    const run = await runPython([url.hostname, url.port, 'not-a-token']);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/AUTH|401|403|auth/i);
  });
});
