import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret read from the configuration (a routing key, a webhook URL with its token, a
 * signing key). It prints as `[redacted]` in every form a log line or an error message can
 * take (JSON, string, util.inspect); only `reveal()` gives the value, at the point of use.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Replaces `${NAME}` with the environment variable NAME (it must be set: a page that silently
 * goes nowhere is worse than a start-up error). `where` names the key for the error.
 */
export function expandEnv(text: string, env: NodeJS.ProcessEnv, where: string): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') throw new Error(`${where}: environment variable ${name} is not set`);
    return value;
  });
}

/**
 * A secret field of a structured config entry: `<field>: ${ENV}` (or a literal), or
 * `<field>File: /path` whose content (trailing newline trimmed) is the value. Returns
 * undefined when neither is given.
 */
export function secretField(entry: Record<string, unknown>, field: string, env: NodeJS.ProcessEnv, where: string): Secret | undefined {
  const inline = entry[field];
  const file = entry[`${field}File`];
  if (inline !== undefined && file !== undefined) throw new Error(`${where}.${field}: give ${field} or ${field}File, not both`);
  if (file !== undefined) {
    if (typeof file !== 'string' || file === '') throw new Error(`${where}.${field}File: expected a file path`);
    let text: string;
    try {
      text = readFileSync(expandEnv(file, env, `${where}.${field}File`), 'utf8');
    } catch (err) {
      throw new Error(`${where}.${field}File: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    const value = text.replace(/\r?\n$/, '');
    if (value === '') throw new Error(`${where}.${field}File: the file is empty`);
    return new Secret(value);
  }
  if (inline === undefined) return undefined;
  if (typeof inline !== 'string' || inline === '') throw new Error(`${where}.${field}: expected a string`);
  return new Secret(expandEnv(inline, env, `${where}.${field}`));
}
