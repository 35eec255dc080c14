import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';
import { postLogs } from '../helpers/logs-json.js';
import { openSse, type SseReader } from '../helpers/sse.js';

/**
 * A log pattern a service has never logged before becomes an anomaly once the service
 * has been logging for the warm-up period (event time), scored by severity, stored and
 * pushed on the live stream; patterns seen during warm-up do not alarm.
 */
let vigil: TestVigil;
let sse: SseReader;
const SERVICE = 'billing';
beforeAll(async () => {
  vigil = await startTestVigil({ 'logs.newPatternWarmupMinutes': 10 });
  sse = await openSse(`${vigil.url}/api/v1/anomalies/stream?service=${SERVICE}`);
});
afterAll(async () => {
  sse?.close();
  await vigil?.stop();
});

const T0_MS = Date.UTC(2026, 4, 1, 9, 0, 0);
async function send(lines: Array<{ minute: number; body: string; severity: 'INFO' | 'ERROR' }>) {
  const status = await postLogs(vigil.url, SERVICE, lines.map((l) => ({ ...l, timeMs: T0_MS + l.minute * 60_000 })));
  expect(status).toBe(200);
}

describe('new log pattern anomalies', () => {
  it('alarms on a new ERROR pattern after warm-up, not on patterns learned during it', async () => {
    // 15 minutes of routine logs, including a warm-up-time ERROR pattern.
    const routine = Array.from({ length: 15 }, (_, minute) => [
      { minute, body: `invoice ${1000 + minute} created for customer c${minute * 7}`, severity: 'INFO' as const },
      { minute, body: `charged card ending ${4000 + minute} amount ${minute * 3}.50 EUR`, severity: 'INFO' as const },
    ]).flat();
    await send([...routine, { minute: 2, body: 'retrying ledger sync after 3 s', severity: 'ERROR' }]);
    await send([{ minute: 16, body: 'ledger database connection refused: too many clients already', severity: 'ERROR' }]);

    const event = await sse.next((e) => e.data.signal === 'log_pattern_new', 10_000);
    expect(event.data).toMatchObject({ service: SERVICE, signal: 'log_pattern_new', peakScore: 0.9, detector: 'new-pattern' });
    expect(event.data.name).toMatch(/^ledger database connection refused/);
    expect(event.data.start).toBe(new Date(T0_MS + 16 * 60_000).toISOString());

    const { anomalies } = await eventually(async () => {
      const body = await getJson(`${vigil.url}/api/v1/anomalies?signal=log_pattern_new&since=2026-05-01T00:00:00Z&until=2026-05-02T00:00:00Z`);
      return body.anomalies.length > 0 ? body : undefined;
    });
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0].attributes.templateId).toMatch(/^[0-9a-f]{16}$/);
  });
});
