import { readFileSync } from 'node:fs';
import type { FlatConfig } from '../config/schema.js';
import { Secret } from '../config/secret.js';
import { VigilError } from '../errors.js';

export interface ChatOpsSettings {
  /** Undefined: ChatOps is off (every command is refused). */
  signingSecret: Secret | undefined;
  maxSkewMs: number;
  actionUsers: string[];
}

/** Resolved once at start: the signing secret from the environment/config or its file. */
export function chatOpsSettings(config: FlatConfig): ChatOpsSettings {
  const inline = config['chatops.slackSigningSecret'];
  const file = config['chatops.slackSigningSecretFile'];
  if (inline && file) throw new VigilError('CONFIG_INVALID', 'invalid configuration: chatops.slackSigningSecret and chatops.slackSigningSecretFile are both set; give one');
  let secret = inline;
  if (file) {
    try {
      secret = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (err) {
      throw new VigilError('CONFIG_INVALID', `invalid configuration: chatops.slackSigningSecretFile: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    if (!secret) throw new VigilError('CONFIG_INVALID', 'invalid configuration: chatops.slackSigningSecretFile: the file is empty');
  }
  return {
    signingSecret: secret ? new Secret(secret) : undefined,
    maxSkewMs: config['chatops.maxClockSkewSeconds'] * 1000,
    actionUsers: config['chatops.actionUsers'].split(',').map((u) => u.trim()).filter(Boolean),
  };
}
