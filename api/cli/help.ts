import type { Command } from './command.js';

export function commandHelp(cmd: Command): string {
  const lines = [`Usage: vigil ${cmd.path.join(' ')} [flags]`, '', cmd.summary];
  if (cmd.details) lines.push('', cmd.details.trim());
  const entries = Object.entries(cmd.flags);
  lines.push('', 'Flags:');
  const rows = entries.map(([name, spec]) => {
    const left = spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? spec.type.toUpperCase()}`;
    const extra = spec.required ? ' (required)' : spec.default !== undefined ? ` (default ${spec.default})` : '';
    return [left, spec.description + extra] as const;
  });
  rows.push(['--help', 'Show this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  for (const [l, r] of rows) lines.push(`  ${l.padEnd(width)}  ${r}`);
  return lines.join('\n') + '\n';
}

export function overviewHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  const lines = ['Usage: vigil <command> [flags]', '', 'Vigil: observability and AIOps analytics engine.', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.path.join(' ').padEnd(width)}  ${c.summary}`);
  lines.push('', 'Run `vigil <command> --help` for the flags of a command.');
  return lines.join('\n') + '\n';
}
