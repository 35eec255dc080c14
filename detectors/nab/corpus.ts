import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** One data file of a NAB corpus, e.g. `realKnownCause/nyc_taxi.csv`. */
export interface CorpusFile {
  category: string;
  /** File name with extension, e.g. `nyc_taxi.csv`. */
  file: string;
  /** `<category>/<file>`, the key used by the label files. */
  key: string;
}

export interface Series {
  /** The timestamp strings exactly as written in the file. */
  timestamps: string[];
  /** The value strings exactly as written in the file. */
  rawValues: string[];
  timestampMs: Float64Array;
  values: Float64Array;
}

export interface CostProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** Every `data/<category>/<file>.csv`, in a stable (sorted) order. */
export async function listCorpusFiles(corpusDir: string): Promise<CorpusFile[]> {
  const dataDir = join(corpusDir, 'data');
  const categories = (await readdir(dataDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const files: CorpusFile[] = [];
  for (const category of categories) {
    const names = (await readdir(join(dataDir, category))).filter((n) => n.endsWith('.csv')).sort();
    for (const file of names) files.push({ category, file, key: `${category}/${file}` });
  }
  return files;
}

/** NAB timestamps are naive `YYYY-MM-DD HH:MM:SS[.ffffff]`; read them as UTC. */
export function parseNabTimestamp(text: string): number {
  const ms = Date.parse(`${text.trim().slice(0, 19).replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) throw new Error(`bad NAB timestamp "${text}"`);
  return ms;
}

export function parseSeriesCsv(text: string): Series {
  const lines = text.split(/\r?\n/);
  const timestamps: string[] = [];
  const rawValues: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const comma = line.indexOf(',');
    timestamps.push(line.slice(0, comma));
    rawValues.push(line.slice(comma + 1));
  }
  const timestampMs = new Float64Array(timestamps.length);
  const values = new Float64Array(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    timestampMs[i] = parseNabTimestamp(timestamps[i]);
    values[i] = Number(rawValues[i]);
  }
  return { timestamps, rawValues, timestampMs, values };
}

export async function readSeries(corpusDir: string, file: CorpusFile): Promise<Series> {
  return parseSeriesCsv(await readFile(join(corpusDir, 'data', file.category, file.file), 'utf8'));
}

/** `labels/combined_windows.json`: file key → list of [start, end] timestamp strings. */
export async function readWindows(corpusDir: string): Promise<Record<string, Array<[string, string]>>> {
  return JSON.parse(await readFile(join(corpusDir, 'labels', 'combined_windows.json'), 'utf8'));
}

/** `config/profiles.json`, reduced to the three weights the scorer uses. */
export async function readProfiles(corpusDir: string): Promise<Record<string, CostProfile>> {
  const raw = JSON.parse(await readFile(join(corpusDir, 'config', 'profiles.json'), 'utf8')) as Record<
    string,
    { CostMatrix: { tpWeight: number; fpWeight: number; fnWeight: number } }
  >;
  const profiles: Record<string, CostProfile> = {};
  for (const [name, p] of Object.entries(raw)) {
    const { tpWeight, fpWeight, fnWeight } = p.CostMatrix;
    profiles[name] = { tpWeight, fpWeight, fnWeight };
  }
  return profiles;
}

/** Converts a file's timestamp windows to inclusive row ranges; every bound must be a row's timestamp. */
export function windowsToRows(key: string, timestampMs: Float64Array, windows: Array<[string, string]>): Array<[number, number]> {
  const rowOf = new Map<number, number>();
  for (let i = 0; i < timestampMs.length; i++) if (!rowOf.has(timestampMs[i])) rowOf.set(timestampMs[i], i);
  return windows.map(([start, end]) => {
    const l = rowOf.get(parseNabTimestamp(start));
    const r = rowOf.get(parseNabTimestamp(end));
    if (l === undefined || r === undefined) throw new Error(`${key}: window [${start}, ${end}] does not match row timestamps`);
    return [l, r];
  });
}
