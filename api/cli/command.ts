/**
 * The shape of one `vigil` CLI command. Every command declares its flags so that
 * `--help` is generated, unknown flags are refused, and values are typed.
 */
export type FlagType = 'string' | 'number' | 'boolean' | 'list';

export interface FlagSpec {
  type: FlagType;
  description: string;
  /** Placeholder shown in help, e.g. `DIR`. */
  value?: string;
  default?: string | number | boolean;
  required?: boolean;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export interface CommandContext {
  flags: FlagValues;
  /** Positional arguments left after the command words and flags. */
  args: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface Command {
  /** Command words, e.g. `['bench', 'nab']` for `vigil bench nab`. */
  path: string[];
  summary: string;
  /** Extra help text printed under the usage line. */
  details?: string;
  flags: Record<string, FlagSpec>;
  /** Returns the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}
