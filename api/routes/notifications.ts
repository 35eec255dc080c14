import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import type { NotificationRecord, NotificationStatus } from '../../analytics/queries/notifications.js';

/** A delivery as the API shows it (times RFC 3339; the pending message stays internal). */
export function notificationView(n: NotificationRecord) {
  const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);
  return {
    id: n.id,
    incidentId: n.incidentId,
    fingerprint: n.fingerprint,
    version: n.version,
    transition: n.transition,
    action: n.action,
    channel: n.channel,
    channelType: n.channelType,
    status: n.status,
    attempts: n.attempts,
    httpStatus: n.httpStatus,
    error: n.error,
    transitionAt: iso(n.transitionAtMs),
    createdAt: iso(n.createdAtMs),
    deliveredAt: iso(n.deliveredAtMs),
    latencyMs: n.latencyMs,
  };
}

/** The notifier's delivery log. */
export async function notificationRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  app.get<{ Querystring: { incident?: string; channel?: string; status?: NotificationStatus; limit: number } }>('/api/v1/notifications', {
    schema: {
      querystring: {
        type: 'object',
        properties: {
          incident: { type: 'string', minLength: 1, description: 'Incident id' },
          channel: { type: 'string', minLength: 1, description: 'Channel name' },
          status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'skipped', 'refused'], description: 'Only deliveries in this state' },
          limit: { type: 'integer', minimum: 1, maximum: 10000, default: 500, description: 'Most deliveries (newest first)' },
        },
      },
    },
    config: { role: 'viewer', openapi: { tags: ['notifications'], summary: 'The delivery log of pages, newest first', responses: { 200: '{ notifications: [...] }', 400: 'Bad parameter' } } },
  }, async (request) => {
    const { incident, channel, status, limit } = request.query;
    const found = await queries.searchNotifications(deps.store, { incidentId: incident, channel, status, limit });
    return { notifications: found.map(notificationView) };
  });
}
