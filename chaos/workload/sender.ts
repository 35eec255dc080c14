import { parseRetryAfter, withRetry, type AttemptResult } from '../../api/notify/index.js';

/**
 * Sends encoded batches to Vigil's receivers through the project's one retry helper.
 * 429 and 503 (a full queue, a store that did not take the write) and connection failures
 * are retried — never sooner than Retry-After, with exponential backoff and jitter — until
 * `retryTimeoutMs`; a batch is never dropped silently: when retries run out the send fails
 * and the workload with it. Any other non-2xx answer is a bug in the workload or a limit of
 * the target, and fails at once.
 */
export interface SenderOptions {
  /** Base URL of Vigil's receivers, e.g. http://127.0.0.1:4318. */
  target: string;
  /** How long one batch may keep being retried. */
  retryTimeoutMs?: number;
}

export interface SendResult {
  /** Items the receiver reported as rejected (OTLP partial_success). */
  rejected: number;
}

const RETRYABLE_STATUSES = new Set([429, 503]);
const PARTIAL_SUCCESS_FIELDS = ['rejectedSpans', 'rejectedLogRecords', 'rejectedDataPoints'];

export class Sender {
  /** Attempts that were retried (429/503 or a connection failure). */
  retries = 0;
  requests = 0;
  private readonly target: string;
  private readonly retryTimeoutMs: number;

  constructor(options: SenderOptions) {
    this.target = options.target.replace(/\/+$/, '');
    this.retryTimeoutMs = options.retryTimeoutMs ?? 120_000;
  }

  async post(path: string, contentType: string, body: string): Promise<SendResult> {
    const attempt = async (): Promise<AttemptResult<SendResult>> => {
      try {
        const res = await fetch(`${this.target}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
        const text = await res.text();
        if (res.ok) return { ok: true, value: { rejected: rejectedCount(text) } };
        return {
          ok: false, retryable: RETRYABLE_STATUSES.has(res.status), error: `${res.status} ${text.slice(0, 500)}`,
          retryAfterMs: parseRetryAfter(res.headers.get('retry-after') ?? undefined),
        };
      } catch (err) {
        const cause = (err as { cause?: Error }).cause;
        return { ok: false, retryable: true, error: `${(err as Error).message}${cause ? `: ${cause.message}` : ''}` };
      }
    };
    const outcome = await withRetry(attempt, { initialDelayMs: 100, maxDelayMs: 5000, deadlineMs: this.retryTimeoutMs });
    this.retries += outcome.attempts - 1;
    if (!outcome.result.ok) throw new SendError(`POST ${path}: ${outcome.result.error}`);
    this.requests++;
    return outcome.result.value;
  }
}

export class SendError extends Error {
  override name = 'SendError';
}

function rejectedCount(text: string): number {
  if (!text.includes('partialSuccess')) return 0;
  try {
    const partial = (JSON.parse(text) as { partialSuccess?: Record<string, string | number> }).partialSuccess ?? {};
    return PARTIAL_SUCCESS_FIELDS.reduce((n, field) => n + Number(partial[field] ?? 0), 0);
  } catch {
    return 0;
  }
}
