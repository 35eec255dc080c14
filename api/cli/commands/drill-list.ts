import type { Command } from '../command.js';
import { SERVER_FLAGS, vigilClient } from '../vigil-client.js';

const command: Command = {
  path: ['drill', 'list'],
  summary: 'List past and running drills with their scores (newest first)',
  flags: {
    ...SERVER_FLAGS,
    name: { type: 'string', value: 'NAME', description: 'Only drills of this name (its score trend)' },
    limit: { type: 'number', value: 'N', description: 'Most drills', default: 50 },
  },
  async run(ctx) {
    const q = new URLSearchParams({ limit: String(ctx.flags.limit ?? 50) });
    if (ctx.flags.name) q.set('name', String(ctx.flags.name));
    const { drills } = await vigilClient(ctx.flags).request('GET', `/api/v1/drills?${q}`);
    if (drills.length === 0) {
      ctx.stdout.write('no drills yet (vigil drill library; vigil drill run --library NAME)\n');
      return 0;
    }
    ctx.stdout.write(`${'id'.padEnd(36)}  ${'name'.padEnd(28)} ${'status'.padEnd(17)} score  started\n`);
    for (const d of drills) ctx.stdout.write(`${d.id}  ${d.name.padEnd(28)} ${d.status.padEnd(17)} ${(d.score === null ? '—' : d.score.toFixed(1)).padStart(5)}  ${d.startedAt ?? '—'}\n`);
    return 0;
  },
};

export default command;
