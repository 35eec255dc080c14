/** Slack message payloads (https://api.slack.com/reference/block-kit/blocks): a text fallback and section blocks. */
export interface SlackMessage {
  /** ephemeral: only the caller sees it; in_channel: everyone in the channel. */
  response_type: 'ephemeral' | 'in_channel';
  text: string;
  blocks?: Array<{ type: 'section'; text: { type: 'mrkdwn'; text: string } } | { type: 'context'; elements: Array<{ type: 'mrkdwn'; text: string }> }>;
}

/** Slack mrkdwn treats &, < and > as control characters; everything from data is escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function message(responseType: SlackMessage['response_type'], text: string, sections: string[] = [], context?: string): SlackMessage {
  const blocks: NonNullable<SlackMessage['blocks']> = sections.map((s) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: s } }));
  if (context) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
  return blocks.length > 0 ? { response_type: responseType, text, blocks } : { response_type: responseType, text };
}
