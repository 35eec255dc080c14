import { UsageError, type Command } from './command.js';
import { parseFlags } from './flags.js';
import { commandHelp, overviewHelp } from './help.js';
import { commandLoaders } from './registry.js';

export async function main(argv: string[], io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const commands: Command[] = await Promise.all(commandLoaders.map((load) => load()));
  const words = argv.filter((a) => !a.startsWith('-'));
  const cmd = longestMatch(commands, words);
  if (!cmd) {
    const wantsHelp = argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
    io[wantsHelp ? 'stdout' : 'stderr'].write(
      (wantsHelp ? '' : `vigil: unknown command "${words.join(' ')}"\n\n`) + overviewHelp(commands),
    );
    return wantsHelp ? 0 : 2;
  }
  const rest = argv.slice();
  for (const word of cmd.path) rest.splice(rest.indexOf(word), 1);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(cmd));
    return 0;
  }
  try {
    const { flags, args } = parseFlags(rest, cmd.flags);
    return await cmd.run({ flags, args, stdout: io.stdout, stderr: io.stderr });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`vigil ${cmd.path.join(' ')}: ${err.message}\n\n${commandHelp(cmd)}`);
      return 2;
    }
    io.stderr.write(`vigil ${cmd.path.join(' ')}: ${(err as Error).message}\n`);
    return 1;
  }
}

function longestMatch(commands: Command[], words: string[]): Command | undefined {
  let best: Command | undefined;
  for (const c of commands) {
    if (c.path.length <= words.length && c.path.every((w, i) => words[i] === w)) {
      if (!best || c.path.length > best.path.length) best = c;
    }
  }
  return best;
}
