import type { Command } from '../command.js';
import { SERVER_FLAGS, vigilClient } from '../vigil-client.js';

const flags = {
  ...SERVER_FLAGS,
  columns: { type: 'boolean' as const, description: 'Also list each dataset\'s columns with type and meaning' },
  json: { type: 'boolean' as const, description: 'Print the API\'s JSON' },
};

interface DatasetView {
  name: string;
  description: string;
  timeColumn: string;
  columns: Array<{ name: string; type: string; description: string }>;
}

const command: Command = {
  path: ['dataset', 'list'],
  summary: 'List the curated datasets of a running Vigil (needs the analyst role)',
  details: 'Datasets are views for offline work (README "Datasets"); export one with `vigil dataset export NAME`,\nor query it with SQL (POST /api/v1/sql, the ClickHouse endpoint).',
  flags,
  async run(ctx) {
    const { datasets } = await vigilClient(ctx.flags).request<{ datasets: DatasetView[] }>('GET', '/api/v1/datasets');
    if (ctx.flags.json) {
      ctx.stdout.write(`${JSON.stringify({ datasets }, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...datasets.map((d) => d.name.length));
    for (const d of datasets) {
      ctx.stdout.write(`${d.name.padEnd(width)}  ${d.description} (time: ${d.timeColumn})\n`);
      if (!ctx.flags.columns) continue;
      const colWidth = Math.max(...d.columns.map((c) => c.name.length));
      const typeWidth = Math.max(...d.columns.map((c) => c.type.length));
      for (const c of d.columns) ctx.stdout.write(`    ${c.name.padEnd(colWidth)}  ${c.type.padEnd(typeWidth)}  ${c.description}\n`);
    }
    return 0;
  },
};

export default command;
