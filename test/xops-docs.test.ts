import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, decodeCloudEvents, EVENT_TYPES, versionedType } from '../ingest/index.js';

/** README's event examples are events Vigil accepts, and every documented type has one. */
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const examples = [...readme.matchAll(/curl -s http:\/\/127\.0\.0\.1:4318\/v1\/events\s*\\?\s*-H 'Content-Type: application\/cloudevents\+json'\s*\\?\s*-d '([^']+)'/g)].map((m) => m[1]);

describe('README event examples', () => {
  it('each curl example decodes and validates', () => {
    expect(examples.length).toBeGreaterThan(EVENT_TYPES.length);
    for (const body of examples) {
      expect(() => decodeCloudEvents(Buffer.from(body), { 'content-type': 'application/cloudevents+json' }, DEFAULT_DECODE_LIMITS, 0n), body.slice(0, 120)).not.toThrow();
    }
  });

  it('show every documented type', () => {
    const types = examples.map((body) => JSON.parse(body).type as string);
    for (const t of EVENT_TYPES) expect(types, t.type).toContain(versionedType(t));
  });
});
