import type { Command } from '../command.js';
import { configFromFlags } from '../config-flags.js';
import { openTokenAdmin, TOKEN_DETAILS, TOKEN_FLAGS } from '../token-admin.js';

const flags = { ...TOKEN_FLAGS, json: { type: 'boolean' as const, description: 'Print JSON, one token per line' } };

const command: Command = {
  path: ['token', 'list'],
  summary: 'List API tokens: id, name, roles, created, last used, revoked (never the secret)',
  details: TOKEN_DETAILS,
  flags,
  async run(ctx) {
    const admin = await openTokenAdmin(configFromFlags(ctx.flags, TOKEN_FLAGS), ctx.flags.url as string | undefined);
    try {
      const tokens = await admin.list();
      if (ctx.flags.json) {
        for (const t of tokens) ctx.stdout.write(`${JSON.stringify(t)}\n`);
        return 0;
      }
      const rows = [['ID', 'NAME', 'ROLES', 'CREATED', 'LAST USED', 'STATUS'], ...tokens.map((t) => [t.id, t.name, t.roles.join(','), t.createdAt ?? '', t.lastUsedAt ?? 'never', t.revoked ? `revoked ${t.revokedAt ?? ''}` : 'active'])];
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      for (const r of rows) ctx.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
      return 0;
    } finally {
      await admin.close();
    }
  },
};

export default command;
