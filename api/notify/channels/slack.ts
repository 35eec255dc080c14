import { secretField } from '../../config/secret.js';
import { checkUrl, iso, topSuspect, truncate, type ChannelDefinition, type Secret } from './types.js';

export interface SlackChannel {
  name: string;
  type: 'slack';
  /** The incoming-webhook URL: its path is the credential. */
  url: Secret;
}

const HEADLINE = {
  trigger: { emoji: ':rotating_light:', word: 'Incident' },
  acknowledge: { emoji: ':eyes:', word: 'Acknowledged' },
  resolve: { emoji: ':white_check_mark:', word: 'Resolved' },
} as const;

/** Slack mrkdwn: &, < and > are control characters (api.slack.com, "Formatting text"). */
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Slack incoming webhook (api.slack.com/messaging/webhooks): a readable message in blocks
 * (title, severity, services, top suspect with its explanation, a link to the incident), with
 * `text` as the notification fallback. Section text is capped at 3000 characters by Slack.
 */
export const slack: ChannelDefinition<SlackChannel> = {
  fields: ['url'],
  parse(entry, env, where) {
    const url = secretField(entry, 'url', env, where);
    if (!url) throw new Error(`${where}.url: required (the incoming webhook URL; \${ENV} or urlFile)`);
    checkUrl(url.reveal(), `${where}.url`);
    return { name: entry.name as string, type: 'slack', url };
  },
  actions: { trigger: 'send', acknowledge: 'send', resolve: 'send' },
  render(channel, { message, action, incidentUrl }) {
    const { incident } = message;
    const head = HEADLINE[action as keyof typeof HEADLINE];
    const reopened = message.transition === 'reopened' ? ' (reopened)' : '';
    const headline = `${head.emoji} ${head.word}${reopened}: [${incident.severity.toUpperCase()}] ${incident.title}`;
    const suspect = topSuspect(incident);
    const who = action === 'acknowledge' ? incident.acknowledgedBy : action === 'resolve' ? incident.resolvedBy : undefined;
    const lines = [
      `*Severity:* ${incident.severity}    *Services:* ${esc(incident.services.join(', ') || '-')}`,
      `*Started:* ${iso(incident.startMs)}${who ? `    *By:* ${esc(who)}` : ''}`,
      suspect ? `*Top suspect:* ${esc(suspect.name)} (${esc(suspect.service)}): ${esc(suspect.explanation)}` : '',
      incidentUrl ? `<${incidentUrl}|Open incident in Vigil>` : '',
    ].filter(Boolean);
    const body = {
      text: headline,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${esc(headline)}*`, 3000) } },
        { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `Vigil incident ${esc(incident.id)} · version ${incident.version}` }] },
      ],
    };
    return { method: 'POST', url: channel.url.reveal(), headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  },
};
