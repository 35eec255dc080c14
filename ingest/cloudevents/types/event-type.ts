import type { JsonSchema } from './json-schema.js';

/**
 * One documented event type: the CloudEvents `type` it matches (by prefix, whatever its
 * version suffix), the JSON Schema its `data` must match, and where in the data the
 * service it is about is named.
 */
export interface EventType {
  /** The type without its version suffix, e.g. `dev.cdevents.service.deployed`. */
  type: string;
  /** The version this schema describes, e.g. `0.2.0` (CDEvents) or `v1` (Vigil). */
  version: string;
  practice: string;
  description: string;
  /** JSON Schema of the event's `data`. */
  schema: JsonSchema;
  /** Example `data`, as documented in README. */
  example: Record<string, unknown>;
  /** The service named in the data, when the type has a place for it. */
  serviceOf(data: Record<string, unknown>): string;
}

/** The full type string, version included, e.g. `dev.cdevents.service.deployed.0.2.0`. */
export function versionedType(t: EventType): string {
  return `${t.type}.${t.version}`;
}

/** `data.a.b.c` as a string, or '' when any step is missing or not text. */
export function textAt(data: Record<string, unknown>, ...path: string[]): string {
  let at: unknown = data;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return '';
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : '';
}
