import { secretField } from '../../config/secret.js';
import { iso, severityMap, topSuspect, truncate, urlField, type ChannelDefinition, type IncidentSeverity, type Secret } from './types.js';

type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerDutyChannel {
  name: string;
  type: 'pagerduty';
  url: string;
  routingKey: Secret;
  severityMap: Record<IncidentSeverity, PagerDutySeverity>;
}

const EVENT_ACTION = { trigger: 'trigger', acknowledge: 'acknowledge', resolve: 'resolve' } as const;

/**
 * PagerDuty Events API v2 (developer.pagerduty.com, "Send an Alert Event"): one endpoint,
 * `event_action` trigger/acknowledge/resolve, `dedup_key` = the incident fingerprint so every
 * transition of an incident lands on one PagerDuty alert. Summary is capped at 1024 characters.
 */
export const pagerduty: ChannelDefinition<PagerDutyChannel> = {
  fields: ['url', 'routingKey', 'severityMap'],
  parse(entry, env, where) {
    const routingKey = secretField(entry, 'routingKey', env, where);
    if (!routingKey) throw new Error(`${where}.routingKey: required (the integration's routing key; \${ENV} or routingKeyFile)`);
    return {
      name: entry.name as string,
      type: 'pagerduty',
      url: urlField(entry, 'url', where, 'https://events.pagerduty.com/v2/enqueue'),
      routingKey,
      severityMap: severityMap(entry, 'severityMap', where, ['critical', 'error', 'warning', 'info'], { critical: 'critical', error: 'error', warning: 'warning', info: 'info' }),
    };
  },
  actions: { trigger: 'send', acknowledge: 'send', resolve: 'send' },
  render(channel, { message, action, incidentUrl }) {
    const { incident } = message;
    const base = { routing_key: channel.routingKey.reveal(), event_action: EVENT_ACTION[action as keyof typeof EVENT_ACTION], dedup_key: incident.fingerprint };
    let event: Record<string, unknown> = base;
    if (action === 'trigger') {
      const suspect = topSuspect(incident);
      event = {
        ...base,
        payload: {
          summary: truncate(incident.title, 1024),
          source: incident.rootService || incident.services[0] || 'vigil',
          severity: channel.severityMap[incident.severity],
          timestamp: iso(incident.startMs),
          component: incident.rootService || undefined,
          group: incident.services.join(',') || undefined,
          class: 'vigil.incident',
          custom_details: {
            incident_id: incident.id,
            transition: message.transition,
            services: incident.services,
            root_service: incident.rootService,
            top_suspect: suspect ? `${suspect.name} (${suspect.service})` : undefined,
            top_suspect_explanation: suspect?.explanation,
            anomalies: incident.anomalyIds.length,
          },
        },
        client: 'Vigil',
        ...(incidentUrl ? { client_url: incidentUrl, links: [{ href: incidentUrl, text: 'Incident in Vigil' }] } : {}),
      };
    }
    return { method: 'POST', url: channel.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) };
  },
};
