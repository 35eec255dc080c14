import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { BASE_MS, MINUTE_MS, seededNoise } from '../helpers/metrics-json.js';

/**
 * Early detection: after 170 minutes of healthy spans, a service fails half its calls.
 * Only 20 s of the failing minute are sent — event time never reaches the minute's end,
 * let alone the lag — and the anomaly must still open (detector `vigil-early`). Then the
 * minute is completed and closed: the real anomaly takes over under the same id.
 */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

const WARM = 170;
const noise = seededNoise(5);
const str = (value: string) => ({ stringValue: value });
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
let nextId = 1;

/** Spans of service `pay`, one per second from `fromMs` (inclusive) to `toMs` (exclusive). */
function spans(fromMs: number, toMs: number, failing: (ms: number) => boolean) {
  const out = [];
  for (let t = fromMs; t < toMs; t += 1000) {
    const startNs = BigInt(t) * 1_000_000n;
    const id = nextId++;
    out.push({
      traceId: hex(id, 32),
      spanId: hex(id, 16),
      name: 'POST /charge',
      kind: 2,
      startTimeUnixNano: `${startNs}`,
      endTimeUnixNano: `${startNs + BigInt(Math.round((30 + noise()) * 1e6))}`,
      status: { code: failing(t) ? 2 : 1 },
    });
  }
  return out;
}

async function send(list: unknown[]) {
  const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: str('pay') }] }, scopeSpans: [{ spans: list }] }] });
  const res = await fetch(`${vigil.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(res.status, await res.text()).toBe(200);
}

const faultMs = BASE_MS + WARM * MINUTE_MS;
const range = `since=${BASE_MS}&until=${BASE_MS + 1000 * MINUTE_MS}&service=pay&signal=span_errors`;

describe('early detection of a minute in progress', () => {
  it('opens the anomaly 20 s into the failing minute, long before the minute could close', async () => {
    // A healthy history with the odd failed call, so the ratio has a little noise.
    await send(spans(BASE_MS, faultMs, (t) => Math.floor(t / 1000) % 97 === 0));
    await send(spans(faultMs, faultMs + 21_000, (t) => Math.floor(t / 1000) % 2 === 0));
    const early = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}`);
      return anomalies.find((a: any) => a.start === new Date(faultMs).toISOString());
    });
    expect(early).toMatchObject({ seriesKey: 'span_errors:pay:POST%20%2Fcharge:ratio', detector: 'vigil-early', status: 'open' });
    expect(early.actual).toBeGreaterThan(0.3);
  });

  it('the closed minute confirms it under the same id', async () => {
    await send(spans(faultMs + 21_000, faultMs + 4 * MINUTE_MS, (t) => Math.floor(t / 1000) % 2 === 0));
    const real = await eventually(async () => {
      const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}`);
      const a = anomalies.find((x: any) => x.start === new Date(faultMs).toISOString());
      return a?.detector === 'vigil' ? a : undefined;
    });
    const { anomalies } = await getJson(`${vigil.url}/api/v1/anomalies?${range}`);
    expect(anomalies.filter((a: any) => a.start === real.start)).toHaveLength(1);
  });
});
