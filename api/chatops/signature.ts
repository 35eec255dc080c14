import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Slack request signing (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `X-Slack-Signature: v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>`
 * keyed with the app's signing secret. A timestamp further than `maxSkewMs` from the clock is
 * refused, so a captured request cannot be replayed later.
 */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function slackSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}

export function verifySlackRequest(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: Buffer,
  nowMs: number,
  maxSkewMs: number,
): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'X-Slack-Request-Timestamp and X-Slack-Signature are required' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > maxSkewMs) return { ok: false, reason: 'X-Slack-Request-Timestamp is too far from now (replay protection)' };
  const expected = Buffer.from(slackSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  // Constant-time comparison: the time taken must not reveal how much of a guess was right.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'X-Slack-Signature does not match the body' };
  return { ok: true };
}
