import { secretField } from '../../config/secret.js';
import { severityMap, topSuspect, truncate, urlField, type ChannelDefinition, type IncidentSeverity, type Secret } from './types.js';

type Priority = 'P1' | 'P2' | 'P3' | 'P4' | 'P5';

export interface OpsgenieChannel {
  name: string;
  type: 'opsgenie';
  /** API base, https://api.opsgenie.com (or https://api.eu.opsgenie.com). */
  url: string;
  apiKey: Secret;
  priorityMap: Record<IncidentSeverity, Priority>;
}

/**
 * Opsgenie Alert API v2 (docs.opsgenie.com, "Alert API"): create with `alias` = fingerprint
 * (Opsgenie dedups open alerts by alias), then acknowledge and close by alias. Auth header
 * `GenieKey <key>`. Limits from the API: message 130, alias 512, description 15000 characters.
 */
export const opsgenie: ChannelDefinition<OpsgenieChannel> = {
  fields: ['url', 'apiKey', 'priorityMap'],
  parse(entry, env, where) {
    const apiKey = secretField(entry, 'apiKey', env, where);
    if (!apiKey) throw new Error(`${where}.apiKey: required (an API integration key; \${ENV} or apiKeyFile)`);
    return {
      name: entry.name as string,
      type: 'opsgenie',
      url: urlField(entry, 'url', where, 'https://api.opsgenie.com'),
      apiKey,
      priorityMap: severityMap(entry, 'priorityMap', where, ['P1', 'P2', 'P3', 'P4', 'P5'], { critical: 'P1', error: 'P2', warning: 'P3', info: 'P5' }),
    };
  },
  actions: { trigger: 'send', acknowledge: 'send', resolve: 'send' },
  render(channel, { message, action, incidentUrl }) {
    const { incident } = message;
    const headers = { 'content-type': 'application/json', authorization: `GenieKey ${channel.apiKey.reveal()}` };
    const alias = encodeURIComponent(truncate(incident.fingerprint, 512));
    if (action === 'trigger') {
      const suspect = topSuspect(incident);
      const description = [
        incident.title,
        `Services: ${incident.services.join(', ') || '-'}`,
        suspect ? `Top suspect: ${suspect.name} (${suspect.service}): ${suspect.explanation}` : '',
        incidentUrl ? `Incident: ${incidentUrl}` : '',
      ].filter(Boolean).join('\n');
      const body = {
        message: truncate(incident.title, 130),
        alias: truncate(incident.fingerprint, 512),
        description: truncate(description, 15000),
        priority: channel.priorityMap[incident.severity],
        source: 'Vigil',
        entity: incident.rootService || undefined,
        tags: incident.services.slice(0, 20),
        details: { incident_id: incident.id, severity: incident.severity, transition: message.transition, ...(incidentUrl ? { url: incidentUrl } : {}) },
      };
      return { method: 'POST', url: `${channel.url}/v2/alerts`, headers, body: JSON.stringify(body) };
    }
    const verb = action === 'acknowledge' ? 'acknowledge' : 'close';
    const user = action === 'acknowledge' ? incident.acknowledgedBy : incident.resolvedBy;
    const body = { source: 'Vigil', ...(user ? { user } : {}), note: `${action === 'acknowledge' ? 'Acknowledged' : 'Resolved'} in Vigil` };
    return { method: 'POST', url: `${channel.url}/v2/alerts/${alias}/${verb}?identifierType=alias`, headers, body: JSON.stringify(body) };
  },
};
