import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../helpers/embedded.js';

/**
 * Service-to-service call edges are derived whatever order parents and children
 * arrive in (a parent span usually ends, and is exported, after its children).
 */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

const T = 1767225600n * 1_000_000_000n;
function span(service: string, traceId: string, spanId: string, parentSpanId: string, kind: number, error = false) {
  return {
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [{
      spans: [{
        traceId, spanId, parentSpanId, name: `${service}-op`, kind,
        startTimeUnixNano: String(T), endTimeUnixNano: String(T + 5_000_000n),
        status: error ? { code: 2 } : {},
      }],
    }],
  };
}
async function send(resourceSpans: unknown[]) {
  const res = await fetch(`${vigil.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resourceSpans }) });
  expect(res.status).toBe(200);
}

describe('service call edges rollup', () => {
  it('finds edges when the child arrives first, the parent first, or both together', async () => {
    const t1 = '11'.repeat(16), t2 = '22'.repeat(16), t3 = '33'.repeat(16);
    // child first, then parent, in separate requests
    await send([span('payments', t1, 'b1'.repeat(8), 'a1'.repeat(8), 2, true)]);
    await send([span('frontend', t1, 'a1'.repeat(8), '', 3)]);
    // parent first
    await send([span('frontend', t2, 'a2'.repeat(8), '', 3)]);
    await send([span('payments', t2, 'b2'.repeat(8), 'a2'.repeat(8), 2)]);
    // same request, and a same-service child that is not an edge
    await send([span('frontend', t3, 'a3'.repeat(8), '', 3), span('payments', t3, 'b3'.repeat(8), 'a3'.repeat(8), 2), span('payments', t3, 'c3'.repeat(8), 'b3'.repeat(8), 1)]);
    const edges = await vigil.store.query<any>(
      `SELECT Caller, Callee, uniqExact(TraceId, ChildSpanId) AS calls, sum(IsError) AS errors FROM service_call_edges FINAL GROUP BY Caller, Callee`,
    );
    expect(edges).toEqual([{ Caller: 'frontend', Callee: 'payments', calls: '3', errors: '1' }]);
  });
});
