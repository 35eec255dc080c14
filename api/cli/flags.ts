import { parseTimeNs } from '../time-range.js';
import { UsageError, type FlagSpec, type FlagValues } from './command.js';

/** Parses `--name value`, `--name=value` and boolean `--name` / `--no-name` flags. */
export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): { flags: FlagValues; args: string[] } {
  const flags: FlagValues = {};
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!token.startsWith('--') || token === '--') {
      if (token === '--') args.push(...argv.slice(i + 1));
      else args.push(token);
      if (token === '--') break;
      continue;
    }
    const eq = token.indexOf('=');
    let name = eq >= 0 ? token.slice(2, eq) : token.slice(2);
    let inline: string | undefined = eq >= 0 ? token.slice(eq + 1) : undefined;
    let negated = false;
    if (!(name in specs) && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    if (spec.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) {
        throw new UsageError(`--${name} takes true or false, got "${inline}"`);
      }
      flags[name] = negated ? false : inline === undefined ? true : inline === 'true';
      continue;
    }
    if (inline === undefined) {
      inline = argv[++i];
      if (inline === undefined) throw new UsageError(`--${name} needs a value`);
    }
    flags[name] = convert(name, spec, inline, flags[name]);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (flags[name] === undefined && spec.default !== undefined) flags[name] = spec.default;
    if (flags[name] === undefined && spec.required) throw new UsageError(`--${name} is required`);
  }
  return { flags, args };
}

function convert(name: string, spec: FlagSpec, raw: string, previous: FlagValues[string]) {
  switch (spec.type) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} takes a number, got "${raw}"`);
      return n;
    }
    case 'list':
      return [...(Array.isArray(previous) ? previous : []), ...raw.split(',').filter(Boolean)];
    default:
      return raw;
  }
}

/** `--since` / `--until` (RFC 3339, Unix epoch, or now-<n><unit>) in milliseconds; --until must come after --since. */
export function rangeFlags(flags: FlagValues, nowMs = Date.now()): { sinceMs: number; untilMs: number } {
  const sinceMs = Number(parseTimeNs('--since', String(flags.since), nowMs) / 1_000_000n);
  const untilMs = Number(parseTimeNs('--until', String(flags.until), nowMs) / 1_000_000n);
  if (untilMs <= sinceMs) throw new UsageError('--until must be after --since');
  return { sinceMs, untilMs };
}
