import { randomUUID } from 'node:crypto';
import type { SlashCommand } from './commands.js';

/**
 * A chat command as an `io.vigil.chatops.operation.v1` CloudEvent (who, what, when, result):
 * it goes through the same ingest path as any sent event, so it is validated against the
 * type's schema and lands in `events` and `xops_chatops_operations`.
 */
export function operationEvent(cmd: SlashCommand, outcome: { status: 'succeeded' | 'failed'; operation: string; service?: string; result: string }, atMs: number) {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: `/vigil/chatops/slack/${cmd.teamId || 'unknown'}`,
    type: 'io.vigil.chatops.operation.v1',
    time: new Date(atMs).toISOString(),
    datacontenttype: 'application/json',
    data: {
      command: `${cmd.command} ${cmd.text}`.trim(),
      operation: outcome.operation,
      user: cmd.userName || cmd.userId,
      userId: cmd.userId,
      teamId: cmd.teamId,
      channel: cmd.channelName,
      status: outcome.status,
      result: outcome.result,
      ...(outcome.service ? { service: outcome.service } : {}),
    },
  };
}
