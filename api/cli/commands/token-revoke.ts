import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { configFromFlags } from '../config-flags.js';
import { openTokenAdmin, TOKEN_DETAILS, TOKEN_FLAGS } from '../token-admin.js';

const command: Command = {
  path: ['token', 'revoke'],
  summary: 'Revoke an API token by id or name; a running Vigil refuses it from the next request',
  details: `Usage: vigil token revoke <id|name> [flags]\n\n${TOKEN_DETAILS}`,
  flags: TOKEN_FLAGS,
  async run(ctx) {
    const target = ctx.args[0];
    if (!target || ctx.args.length > 1) throw new UsageError('give one token id or name');
    const admin = await openTokenAdmin(configFromFlags(ctx.flags, TOKEN_FLAGS), ctx.flags.url as string | undefined);
    try {
      const revoked = await admin.revoke(target);
      if (!revoked) {
        ctx.stderr.write(`no token ${target}\n`);
        return 1;
      }
      ctx.stdout.write(`revoked ${revoked.id} "${revoked.name}"\n`);
      return 0;
    } finally {
      await admin.close();
    }
  },
};

export default command;
