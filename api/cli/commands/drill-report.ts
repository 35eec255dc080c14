import { writeFile } from 'node:fs/promises';
import { UsageError, type Command } from '../command.js';
import { SERVER_FLAGS, vigilClient } from '../vigil-client.js';

const command: Command = {
  path: ['drill', 'report'],
  summary: 'Fetch a drill report: JSON for machines or a self-contained HTML page for people',
  flags: {
    ...SERVER_FLAGS,
    format: { type: 'string', value: 'html|json', description: 'Report format', default: 'json' },
    out: { type: 'string', value: 'FILE', description: 'Write to FILE instead of stdout' },
  },
  async run(ctx) {
    const id = ctx.args[0];
    if (!id) throw new UsageError('give a drill id (vigil drill list)');
    const format = String(ctx.flags.format ?? 'json');
    if (!['html', 'json'].includes(format)) throw new UsageError('--format is html or json');
    const text = await vigilClient(ctx.flags).text(`/api/v1/drills/${encodeURIComponent(id)}/report?format=${format}`);
    if (ctx.flags.out) {
      await writeFile(String(ctx.flags.out), text);
      ctx.stderr.write(`wrote ${ctx.flags.out}\n`);
    } else ctx.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return 0;
  },
};

export default command;
