/**
 * The one retry helper for outbound calls: exponential backoff with full jitter (a random
 * wait in [0, min(maxDelay, initialDelay · 2^(n-1))], from AWS's "Exponential Backoff and
 * Jitter", 2015 — spreads retries of many failing senders instead of synchronising them),
 * never sooner than the receiver's `Retry-After`, and never past the deadline.
 */

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Total budget from the first attempt; no attempt starts after it. */
  deadlineMs: number;
}

export type AttemptResult<T> =
  | { ok: true; value: T }
  | { ok: false; retryable: boolean; error: string; value?: T; /** The receiver's Retry-After, in ms. */ retryAfterMs?: number };

export interface RetryOutcome<T> {
  result: AttemptResult<T>;
  attempts: number;
  /** True when `signal` stopped the retries (the work is neither done nor given up). */
  aborted: boolean;
}

export interface RetryHooks {
  signal?: AbortSignal;
  random?: () => number;
  now?: () => number;
}

export async function withRetry<T>(attempt: (n: number) => Promise<AttemptResult<T>>, policy: RetryPolicy, hooks: RetryHooks = {}): Promise<RetryOutcome<T>> {
  const now = hooks.now ?? Date.now;
  const random = hooks.random ?? Math.random;
  const deadline = now() + policy.deadlineMs;
  for (let n = 1; ; n++) {
    const result = await attempt(n);
    if (result.ok || !result.retryable) return { result, attempts: n, aborted: false };
    const waitMs = Math.max(backoffMs(n, policy, random()), result.retryAfterMs ?? 0);
    if (now() + waitMs > deadline) {
      return { result: { ...result, error: `${result.error}; gave up after ${n} attempts (retry deadline ${policy.deadlineMs} ms)` }, attempts: n, aborted: false };
    }
    if (!(await sleep(waitMs, hooks.signal))) return { result, attempts: n, aborted: true };
  }
}

/** Full jitter: the wait after attempt n is `random` (in [0, 1)) × min(maxDelay, initialDelay · 2^(n-1)). */
export function backoffMs(n: number, policy: Pick<RetryPolicy, 'initialDelayMs' | 'maxDelayMs'>, random: number): number {
  return random * Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1));
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
