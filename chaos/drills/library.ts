import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseDrillSpec, type DrillSpec } from './spec.js';

/** The ready-made drills shipped in ./library: one per fault type, on the synthetic topology. */
const LIBRARY_DIR = fileURLToPath(new URL('./library/', import.meta.url));

export interface LibraryDrill {
  name: string;
  file: string;
  spec: DrillSpec;
  text: string;
}

export function drillLibrary(): LibraryDrill[] {
  return readdirSync(LIBRARY_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(LIBRARY_DIR, file), 'utf8');
      const spec = parseDrillSpec(text);
      return { name: spec.name, file: join(LIBRARY_DIR, file), spec, text };
    });
}

export function libraryDrill(name: string): LibraryDrill | undefined {
  return drillLibrary().find((d) => d.name === name);
}
