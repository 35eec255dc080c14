import type { Command } from '../command.js';

const command: Command = {
  path: ['schema', 'print'],
  summary: 'Print the schema DDL (every migration), for a single node or a ClickHouse cluster',
  details: `Without --cluster: the statements \`vigil migrate\` runs. With --cluster NAME: ON CLUSTER NAME,
Replicated*MergeTree tables <table>_local on every node, Distributed tables under the original
names, and materialized views from and to the local tables. Apply with clickhouse-client --multiquery.`,
  flags: {
    cluster: { type: 'string', value: 'NAME', description: 'ClickHouse cluster name (remote_servers) for the replicated + distributed form' },
    'ttl-days': { type: 'number', value: 'N', description: 'Days to keep telemetry (0 = forever)', default: 30 },
  },
  async run(ctx) {
    const { schemaStatements } = await import('../../../analytics/index.js');
    const statements = schemaStatements({ ttlDays: Number(ctx.flags['ttl-days'] ?? 30), cluster: ctx.flags.cluster as string | undefined });
    ctx.stdout.write(statements.map((sql) => `${sql};\n`).join('\n'));
    return 0;
  },
};

export default command;
