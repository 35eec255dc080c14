import { alertmanager } from './alertmanager.js';
import { opsgenie } from './opsgenie.js';
import { pagerduty } from './pagerduty.js';
import { slack } from './slack.js';
import type { ChannelDefinition } from './types.js';
import { webhook } from './webhook.js';

export type { Action, ChannelDefinition, OutboundRequest, RenderContext } from './types.js';

/** Every channel type by its `type` in notify.channels. Adding a type is one entry here. */
export const CHANNEL_TYPES = { pagerduty, opsgenie, slack, alertmanager, webhook } as const satisfies Record<string, ChannelDefinition<any>>;

export type ChannelTypeName = keyof typeof CHANNEL_TYPES;

/** A parsed channel of any type. */
export type Channel = ReturnType<(typeof CHANNEL_TYPES)[ChannelTypeName]['parse']>;

export function channelDefinition(type: string): ChannelDefinition<Channel> {
  return CHANNEL_TYPES[type as ChannelTypeName] as unknown as ChannelDefinition<Channel>;
}
