/**
 * Sends encoded batches to Vigil's receivers. 429 and 503 (a full queue, a store that did not
 * take the write) and connection failures are retried — after Retry-After when the server
 * gives one, else with exponential backoff and jitter — until `retryTimeoutMs`; a batch is
 * never dropped silently: when retries run out the send fails and the workload with it.
 * Any other non-2xx answer is a bug in the workload or a limit of the target, and fails at once.
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
const MAX_BACKOFF_MS = 5000;
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
    const deadline = Date.now() + this.retryTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      let waitMs: number;
      let problem: string;
      try {
        const res = await fetch(`${this.target}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
        const text = await res.text();
        if (res.ok) {
          this.requests++;
          return { rejected: rejectedCount(text) };
        }
        if (!RETRYABLE_STATUSES.has(res.status)) throw new SendError(`POST ${path}: ${res.status} ${text.slice(0, 500)}`);
        problem = `${res.status} ${text.slice(0, 200)}`;
        waitMs = retryAfterMs(res.headers.get('retry-after')) ?? backoffMs(attempt);
      } catch (err) {
        if (err instanceof SendError) throw err;
        problem = (err as Error).message + ((err as { cause?: Error }).cause ? `: ${(err as { cause: Error }).cause.message}` : '');
        waitMs = backoffMs(attempt);
      }
      if (Date.now() + waitMs > deadline) {
        throw new SendError(`POST ${path}: gave up after ${attempt + 1} attempts over ${Math.round(this.retryTimeoutMs / 1000)} s, last: ${problem}`);
      }
      this.retries++;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

export class SendError extends Error {
  override name = 'SendError';
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2); // jitter keeps many senders from retrying in step
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
