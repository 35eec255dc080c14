import { iso, topSuspect, urlField, type ChannelDefinition } from './types.js';

export interface AlertmanagerChannel {
  name: string;
  type: 'alertmanager';
  /** Alertmanager base URL, e.g. http://alertmanager:9093. */
  url: string;
}

/**
 * Alertmanager API v2 `POST /api/v2/alerts` (prometheus/alertmanager, api/v2/openapi.yaml),
 * so teams route Vigil's incidents through the Alertmanager they already run. Like Prometheus,
 * a firing alert carries an `endsAt` a few resend intervals ahead and is re-posted while the
 * incident is open; a resolved one carries the resolve time, which ends it. Alertmanager has
 * no acknowledge: that transition is recorded as skipped.
 */
export const alertmanager: ChannelDefinition<AlertmanagerChannel> = {
  fields: ['url'],
  parse(entry, _env, where) {
    return { name: entry.name as string, type: 'alertmanager', url: urlField(entry, 'url', where) };
  },
  actions: { trigger: 'send', resolve: 'send', refresh: 'send', acknowledge: 'skip' },
  render(channel, { message, action, incidentUrl, nowMs, alertTtlMs }) {
    const { incident } = message;
    const suspect = topSuspect(incident);
    const startsAt = Math.min(incident.startMs, nowMs);
    // Resolved: ends at the resolve time (never in the future, never before the start, which
    // Alertmanager rejects). Firing: ends unless refreshed, as Prometheus does.
    const endsAt = action === 'resolve' ? Math.max(startsAt, Math.min(incident.resolvedMs ?? message.atMs, nowMs)) : nowMs + alertTtlMs;
    const alert = {
      labels: {
        alertname: 'VigilIncident',
        service: incident.rootService || incident.services[0] || 'unknown',
        severity: incident.severity,
        fingerprint: incident.fingerprint,
        incident_id: incident.id,
      },
      annotations: {
        summary: incident.title,
        description: suspect ? `Top suspect: ${suspect.name} (${suspect.service}): ${suspect.explanation}` : incident.title,
        services: incident.services.join(', '),
      },
      startsAt: iso(startsAt),
      endsAt: iso(endsAt),
      ...(incidentUrl ? { generatorURL: incidentUrl } : {}),
    };
    return { method: 'POST', url: `${channel.url}/api/v2/alerts`, headers: { 'content-type': 'application/json' }, body: JSON.stringify([alert]) };
  },
};
