import { createHash } from 'node:crypto';
import { Secret } from '../config/secret.js';
import { channelDefinition, type Action, type Channel } from './channels/index.js';
import type { IncidentMessage } from '../../detectors/incidents/types.js';
import { egressRequest, EgressRefusedError, type EgressPolicy, type EgressResponse } from './egress.js';
import { parseRetryAfter, withRetry, type AttemptResult, type RetryPolicy } from './retry.js';

export interface DeliveryJob {
  /** `<incident id>/<version>/<channel>`. */
  id: string;
  channel: Channel;
  message: IncidentMessage;
  action: Action;
}

export interface DeliverySettings {
  egress: EgressPolicy;
  retry: RetryPolicy;
  publicUrl: string;
  alertTtlMs: number;
  signal: AbortSignal;
}

export interface DeliveryResult {
  status: 'delivered' | 'failed' | 'refused';
  attempts: number;
  httpStatus: number;
  /** '' when delivered; never holds one of the channel's secrets. */
  error: string;
  /** True when the notifier closed mid-way: nothing is settled, the delivery stays pending. */
  aborted: boolean;
}

/** The Standard Webhooks `webhook-id` of a delivery: stable for (incident id, version, channel). */
export function webhookId(deliveryId: string): string {
  return `msg_${createHash('sha256').update(deliveryId).digest('base64url').slice(0, 32)}`;
}

export function incidentUrl(publicUrl: string, incidentId: string): string {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/#/incidents/${encodeURIComponent(incidentId)}` : '';
}

/** One attempt's HTTP answer as a retry decision: 2xx done; 408, 425, 429 and 5xx retried; 3xx never followed. */
export function classify(res: EgressResponse): AttemptResult<number> {
  if (res.status >= 200 && res.status < 300) return { ok: true, value: res.status };
  if (res.status >= 300 && res.status < 400) return { ok: false, retryable: false, value: res.status, error: `HTTP ${res.status}: redirects are not followed` };
  const retryable = res.status === 408 || res.status === 425 || res.status === 429 || res.status >= 500;
  const detail = res.bodyText.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { ok: false, retryable, value: res.status, retryAfterMs: retryable ? parseRetryAfter(res.headers['retry-after']) : undefined, error: `HTTP ${res.status}${detail ? `: ${detail}` : ''}` };
}

/** Sends one job until it is accepted, refused, fails for good, or the retry deadline passes. */
export async function deliver(job: DeliveryJob, settings: DeliverySettings): Promise<DeliveryResult> {
  const definition = channelDefinition(job.channel.type);
  let httpStatus = 0;
  let refused = false;
  const outcome = await withRetry<number>(
    async () => {
      const request = definition.render(job.channel, {
        message: job.message,
        action: job.action,
        deliveryId: webhookId(job.id),
        incidentUrl: incidentUrl(settings.publicUrl, job.message.incident.id),
        nowMs: Date.now(),
        alertTtlMs: settings.alertTtlMs,
      });
      try {
        const result = classify(await egressRequest(request, settings.egress));
        httpStatus = result.value ?? 0;
        return result;
      } catch (err) {
        refused = err instanceof EgressRefusedError;
        return { ok: false, retryable: !refused, error: (err as Error).message };
      }
    },
    settings.retry,
    { signal: settings.signal },
  );
  const { result, attempts, aborted } = outcome;
  return {
    status: result.ok ? 'delivered' : refused ? 'refused' : 'failed',
    attempts,
    httpStatus,
    error: result.ok ? '' : scrub(result.error, job.channel),
    aborted,
  };
}

/** Removes every secret of the channel from a text bound for the log or the delivery log. */
export function scrub(text: string, channel: Channel): string {
  let out = text;
  for (const value of Object.values(channel)) {
    if (value instanceof Secret && value.reveal().length >= 4) out = out.split(value.reveal()).join('[redacted]');
  }
  return out;
}
