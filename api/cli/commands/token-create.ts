import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { configFromFlags } from '../config-flags.js';
import { openTokenAdmin, TOKEN_DETAILS, TOKEN_FLAGS } from '../token-admin.js';

const flags = {
  ...TOKEN_FLAGS,
  name: { type: 'string' as const, value: 'NAME', description: 'Who or what holds the token (unique among tokens in force), e.g. otel-collector', required: true },
  role: { type: 'list' as const, value: 'ROLE[,ROLE]', description: 'ingest, viewer, analyst, sre or admin; repeat or comma-separate for several', required: true },
  json: { type: 'boolean' as const, description: 'Print the token and its details as JSON' },
};

const command: Command = {
  path: ['token', 'create'],
  summary: 'Create an API token and print its secret (shown this once)',
  details: TOKEN_DETAILS,
  flags,
  async run(ctx) {
    const roles = ctx.flags.role as string[];
    if (roles.length === 0) throw new UsageError('--role needs at least one role');
    const admin = await openTokenAdmin(configFromFlags(ctx.flags, TOKEN_FLAGS), ctx.flags.url as string | undefined);
    try {
      const { token, view } = await admin.create(ctx.flags.name as string, roles);
      if (ctx.flags.json) ctx.stdout.write(`${JSON.stringify({ token, ...view })}\n`);
      else ctx.stdout.write(`${token}\n`);
      ctx.stderr.write(`token ${view.id} "${view.name}" (${view.roles.join(', ')}) created; the secret above is not shown again\n`);
      return 0;
    } finally {
      await admin.close();
    }
  },
};

export default command;
