import { describe, expect, it } from 'vitest';
import { backoffMs, parseRetryAfter, withRetry, type AttemptResult } from './retry.js';

const policy = { initialDelayMs: 10, maxDelayMs: 40, deadlineMs: 5_000 };

describe('withRetry', () => {
  it('retries retryable failures until one succeeds', async () => {
    const answers: AttemptResult<string>[] = [
      { ok: false, retryable: true, error: 'HTTP 503' },
      { ok: false, retryable: true, error: 'ECONNRESET' },
      { ok: true, value: 'done' },
    ];
    const out = await withRetry(async (n) => answers[n - 1], policy);
    expect(out).toEqual({ result: { ok: true, value: 'done' }, attempts: 3, aborted: false });
  });

  it('stops at once on a failure that is not retryable', async () => {
    let calls = 0;
    const out = await withRetry(async () => (calls++, { ok: false, retryable: false, error: 'HTTP 400' }), policy);
    expect(calls).toBe(1);
    expect(out.result).toMatchObject({ ok: false, error: 'HTTP 400' });
  });

  it('waits at least Retry-After and gives up when the next wait passes the deadline', async () => {
    const starts: number[] = [];
    const out = await withRetry(
      async () => (starts.push(Date.now()), { ok: false, retryable: true, error: 'HTTP 429', retryAfterMs: 150 }),
      { initialDelayMs: 1, maxDelayMs: 1, deadlineMs: 400 },
    );
    expect(starts.length).toBe(3);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(145);
    expect(out.result).toMatchObject({ ok: false });
    expect(!out.result.ok && out.result.error).toMatch(/gave up after 3 attempts/);
  });

  it('uses full jitter: the wait is random × the capped exponential', () => {
    const p = { initialDelayMs: 40, maxDelayMs: 80 };
    expect([1, 2, 3, 4].map((n) => backoffMs(n, p, 1))).toEqual([40, 80, 80, 80]);
    expect(backoffMs(2, p, 0.25)).toBe(20);
    expect(backoffMs(1, p, 0)).toBe(0);
  });

  it('stops waiting when aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const out = await withRetry(async () => ({ ok: false, retryable: true, error: 'down' }), { initialDelayMs: 10_000, maxDelayMs: 10_000, deadlineMs: 60_000 }, { signal: controller.signal, random: () => 1 });
    expect(out.aborted).toBe(true);
  });
});

describe('parseRetryAfter', () => {
  it('reads delay-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
