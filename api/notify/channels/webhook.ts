import { secretField } from '../../config/secret.js';
import { standardWebhookHeaders } from '../egress.js';
import { iso, urlField, type ChannelDefinition, type Secret } from './types.js';

export interface WebhookChannel {
  name: string;
  type: 'webhook';
  url: string;
  /** `whsec_<base64>` (Standard Webhooks); the base64 decodes to the HMAC key. */
  secret: Secret;
}

/**
 * A generic JSON webhook signed per Standard Webhooks: body `{ type, timestamp, data }` with
 * type `incident.<transition>`, headers `webhook-id` (stable per incident, version and
 * channel, so a receiver can drop a redelivery), `webhook-timestamp`, `webhook-signature`.
 * Signed afresh at every attempt so the timestamp stays within receivers' tolerance.
 */
export const webhook: ChannelDefinition<WebhookChannel> = {
  fields: ['url', 'secret'],
  parse(entry, env, where) {
    const secret = secretField(entry, 'secret', env, where);
    if (!secret) throw new Error(`${where}.secret: required (whsec_<base64>; \${ENV} or secretFile)`);
    const key = secret.reveal().replace(/^whsec_/, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.from(key, 'base64').length < 16) {
      throw new Error(`${where}.secret: expected whsec_ followed by base64 of at least 16 bytes`);
    }
    return { name: entry.name as string, type: 'webhook', url: urlField(entry, 'url', where), secret };
  },
  actions: { trigger: 'send', acknowledge: 'send', resolve: 'send' },
  render(channel, { message, deliveryId, incidentUrl, nowMs }) {
    const body = JSON.stringify({
      type: `incident.${message.transition}`,
      timestamp: iso(message.atMs),
      data: { transition: message.transition, incident: message.incident, ...(incidentUrl ? { url: incidentUrl } : {}) },
    });
    const headers = standardWebhookHeaders(channel.secret.reveal(), deliveryId, Math.floor(nowMs / 1000), body);
    return { method: 'POST', url: channel.url, headers: { 'content-type': 'application/json', ...headers }, body };
  },
};
