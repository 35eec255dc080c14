import { CDEVENT_TYPES } from './cdevents.js';
import type { EventType } from './event-type.js';
import { firstViolation, type SchemaViolation } from './json-schema.js';
import { VIGIL_EVENT_TYPES } from './vigil.js';

export { versionedType, type EventType } from './event-type.js';
export type { JsonSchema, SchemaViolation } from './json-schema.js';

/** Every documented event type: CDEvents for CI/CD and incidents, Vigil's own for the rest. */
export const EVENT_TYPES: readonly EventType[] = [...CDEVENT_TYPES, ...VIGIL_EVENT_TYPES];

const BY_TYPE = new Map(EVENT_TYPES.map((t) => [t.type, t]));

/**
 * CDEvents end in a semantic version (`.0.2.0`, `.0.3.0-draft`), Vigil's types in `.v<n>`:
 * a type matches its entry whatever the version, so senders on an older or newer spec
 * release are still validated and typed.
 */
const VERSION_SUFFIX = /\.(?:\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?|v\d+)$/;

/** The documented type a CloudEvents `type` is, or undefined for a type Vigil does not know (kept as sent). */
export function eventTypeOf(type: string): EventType | undefined {
  return BY_TYPE.get(type.replace(VERSION_SUFFIX, ''));
}

/** Checks `data` (parsed JSON) against the type's schema; the path starts at `data`. */
export function validateEventData(eventType: EventType, data: unknown): SchemaViolation | null {
  return firstViolation(eventType.schema, data, 'data');
}
