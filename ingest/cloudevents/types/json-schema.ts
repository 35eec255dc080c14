import { parseRfc3339 } from '../rfc3339.js';

/**
 * The subset of JSON Schema (draft 2020-12) that Vigil's event schemas use, and a
 * validator for it. The schemas are served as they are (`GET /api/v1/event-types`), so
 * any JSON Schema tool reads them; this validator knows only these keywords, which keeps
 * ingest free of a schema compiler: `type`, `properties`, `required`,
 * `additionalProperties` (a schema), `items`, `enum`, `minLength`, `maxLength`,
 * `minimum`, `maximum`, `minItems`, `pattern` and `format: date-time`.
 */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  enum?: readonly (string | number)[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  format?: 'date-time';
}

/** Why a value does not match: the JSON path of the offending field and what is wrong. */
export interface SchemaViolation {
  path: string;
  message: string;
}

/** The first violation of `schema` by `value` (fields in schema order), or null when it matches. */
export function firstViolation(schema: JsonSchema, value: unknown, path: string): SchemaViolation | null {
  const typeError = checkType(schema, value);
  if (typeError) return { path, message: typeError };
  if (schema.enum && !schema.enum.includes(value as string | number)) {
    return { path, message: `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}` };
  }
  if (typeof value === 'string') return stringViolation(schema, value, path);
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return { path, message: `must be at least ${schema.minimum}, got ${value}` };
    if (schema.maximum !== undefined && value > schema.maximum) return { path, message: `must be at most ${schema.maximum}, got ${value}` };
    return null;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return { path, message: `must have at least ${schema.minItems} items` };
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        const found = firstViolation(schema.items, value[i], `${path}[${i}]`);
        if (found) return found;
      }
    }
    return null;
  }
  if (isObject(value)) return objectViolation(schema, value, path);
  return null;
}

function checkType(schema: JsonSchema, value: unknown): string | null {
  if (schema.type === undefined) return null;
  const ok =
    schema.type === 'object' ? isObject(value)
    : schema.type === 'array' ? Array.isArray(value)
    : schema.type === 'integer' ? Number.isInteger(value)
    : schema.type === 'number' ? typeof value === 'number' && Number.isFinite(value)
    : typeof value === schema.type;
  return ok ? null : `expected ${article(schema.type)}, got ${describe(value)}`;
}

function stringViolation(schema: JsonSchema, value: string, path: string): SchemaViolation | null {
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return { path, message: schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters` };
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) return { path, message: `must be at most ${schema.maxLength} characters` };
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return { path, message: `must match ${schema.pattern}, got ${JSON.stringify(value)}` };
  if (schema.format === 'date-time' && parseRfc3339(value) === null) return { path, message: `expected an RFC 3339 date-time, got ${JSON.stringify(value)}` };
  return null;
}

function objectViolation(schema: JsonSchema, value: Record<string, unknown>, path: string): SchemaViolation | null {
  for (const name of schema.required ?? []) {
    if (value[name] === undefined || value[name] === null) return { path: `${path}.${name}`, message: 'required' };
  }
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (value[name] === undefined) continue;
    const found = firstViolation(child, value[name], `${path}.${name}`);
    if (found) return found;
  }
  if (schema.additionalProperties) {
    for (const name of Object.keys(value)) {
      if (schema.properties?.[name] !== undefined) continue;
      const found = firstViolation(schema.additionalProperties, value[name], `${path}.${name}`);
      if (found) return found;
    }
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function article(type: string): string {
  return type === 'object' || type === 'array' || type === 'integer' ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`.slice(0, 80);
}
