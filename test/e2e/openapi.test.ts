import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestVigil, type TestVigil } from '../helpers/embedded.js';

/** Every served route is in the OpenAPI document and in README's API reference. */
let vigil: TestVigil;
beforeAll(async () => {
  vigil = await startTestVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

describe('OpenAPI document', () => {
  it('lists every route the server registered, and README names each path', async () => {
    const doc = await getJson(`${vigil.url}/api/v1/openapi.json`);
    expect(doc.openapi).toBe('3.1.0');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const routes = vigil.openapi.routes();
    expect(routes.length).toBeGreaterThan(5);
    expect(routes.filter((r) => !r.documented)).toEqual([]);
    for (const { method, url } of routes) {
      expect(doc.paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()], `${method} ${url}`).toBeDefined();
      expect(readme, url).toContain(url);
    }
  });
});
