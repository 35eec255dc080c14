import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { VigilError } from '../errors.js';
import { CONFIG_KEYS, CROSS_CHECKS, envName, type ConfigKey, type FlatConfig, type KeySpec } from './schema.js';

export interface ConfigSources {
  /** Path of a YAML or JSON config file. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** Values from CLI flags, already mapped to config keys. */
  overrides?: Partial<Record<ConfigKey, unknown>>;
}

/** Reads and validates the configuration once; any bad value fails with the key named. */
export function loadConfig(sources: ConfigSources = {}): FlatConfig {
  const env = sources.env ?? {};
  const coerce = (key: string, spec: KeySpec, raw: unknown, source: string) => coerceValue(key, spec, raw, source, env);
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as Array<[string, KeySpec]>) {
    values[key] = spec.type === 'json' ? coerce(key, spec, spec.default, 'defaults') : spec.default;
  }

  if (sources.file) {
    for (const [key, raw] of Object.entries(flatten(readFile(sources.file)))) {
      if (!(key in CONFIG_KEYS)) throw invalid(key, `unknown key in ${sources.file}`);
      values[key] = coerce(key, CONFIG_KEYS[key as ConfigKey], raw, sources.file);
    }
  }
  for (const [key, spec] of Object.entries(CONFIG_KEYS) as Array<[string, KeySpec]>) {
    const name = [envName(key), ...(spec.envAliases ?? [])].find((n) => env[n] !== undefined && env[n] !== '');
    if (name) values[key] = coerce(key, spec, env[name], name);
  }
  for (const [key, raw] of Object.entries(sources.overrides ?? {})) {
    if (raw === undefined) continue;
    if (!(key in CONFIG_KEYS)) throw invalid(key, 'unknown key');
    values[key] = coerce(key, CONFIG_KEYS[key as ConfigKey], raw, 'command line');
  }
  for (const check of CROSS_CHECKS) {
    try {
      check(values as FlatConfig);
    } catch (err) {
      throw new VigilError('CONFIG_INVALID', `invalid configuration: ${(err as Error).message}`);
    }
  }
  return values as FlatConfig;
}

/** The configuration with secrets replaced, safe to print or log. */
export function redactedConfig(config: FlatConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const spec: KeySpec = CONFIG_KEYS[key as ConfigKey];
    out[key] = spec.secret && value ? '[redacted]' : typeof value === 'string' ? redactUrlPassword(value) : value;
  }
  return out;
}

/** `http://user:secret@host` → `http://user:[redacted]@host`; anything else unchanged. */
export function redactUrlPassword(value: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(value)) return value;
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = 'redacted';
    return url.toString().replace(':redacted@', ':[redacted]@');
  } catch {
    return value;
  }
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new VigilError('CONFIG_INVALID', `config file ${path}: ${(err as Error).message}`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new VigilError('CONFIG_INVALID', `config file ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** `{ store: { dataDir: 'x' } }` → `{ 'store.dataDir': 'x' }`; dotted keys are accepted as they are. */
function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) return { [prefix]: value };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (key in CONFIG_KEYS) out[key] = v;
    else Object.assign(out, flatten(v, key));
  }
  return out;
}

function coerceValue(key: string, spec: KeySpec, raw: unknown, source: string, env: NodeJS.ProcessEnv): unknown {
  const where = `${key} (from ${source})`;
  switch (spec.type) {
    case 'json': {
      let value = raw;
      if (typeof raw === 'string') {
        try {
          value = JSON.parse(raw);
        } catch (err) {
          // V8 quotes the input in its message, and the input may hold secrets: keep the position only.
          const at = /position (\d+)/.exec((err as Error).message);
          throw invalid(where, `not valid JSON${at ? ` (at position ${at[1]})` : ''}`);
        }
      }
      try {
        return spec.parse ? spec.parse(value, { key, env }) : value;
      } catch (err) {
        // The reader's message starts with the path at fault (key[index].field).
        throw new VigilError('CONFIG_INVALID', `invalid configuration: ${(err as Error).message} (from ${source})`);
      }
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw invalid(where, `expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'integer':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
        throw invalid(where, `expected ${spec.type === 'integer' ? 'an integer' : 'a number'}, got ${JSON.stringify(raw)}`);
      }
      if (spec.min !== undefined && n < spec.min) throw invalid(where, `must be at least ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) throw invalid(where, `must be at most ${spec.max}, got ${n}`);
      return n;
    }
    case 'enum': {
      if (typeof raw !== 'string' || !spec.values?.includes(raw)) {
        throw invalid(where, `must be one of ${spec.values?.join(', ')}, got ${JSON.stringify(raw)}`);
      }
      return raw;
    }
    default:
      if (typeof raw !== 'string' && typeof raw !== 'number') throw invalid(where, `expected a string, got ${JSON.stringify(raw)}`);
      return String(raw);
  }
}

function invalid(key: string, why: string): VigilError {
  return new VigilError('CONFIG_INVALID', `invalid configuration: ${key}: ${why}`);
}
