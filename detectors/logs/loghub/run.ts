import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TemplateMiner } from '../miner.js';
import type { MinerOptions } from '../options.js';
import { csvRow, parseCsvRecords } from './csv.js';
import { compileLogFormat, extractContent } from './log-format.js';
import { scoreLoghub, type LoghubScore } from './score.js';

/**
 * Loghub harness: split each raw line's header with the system's log format, mine templates
 * from `Content` in one pass, and print each line with the template its id resolves to at the
 * end (the final generalisation, as the published benchmarks do).
 */
export interface LoghubDataset {
  system: string;
  dir: string;
  logFile: string;
  logFormat: string;
  /** `Content` of each non-empty raw line, in order. */
  contents: string[];
  /** Lines whose header did not match the format (mined whole). */
  unmatched: number;
  /** Ground-truth templates by line, when `<Sys>_2k.log_structured.csv` is present. */
  truth?: string[];
}

export interface LoghubRun {
  dataset: LoghubDataset;
  templates: string[];
  mineMs: number;
  score?: LoghubScore;
}

/** The `log_format` for a system from `drain_benchmark_settings.json` beside its folder. */
export async function findLogFormat(dir: string, system: string): Promise<string | undefined> {
  const candidates = [join(dirname(dir), 'drain_benchmark_settings.json'), join(dir, 'drain_benchmark_settings.json')];
  for (const file of candidates) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const settings = JSON.parse(text) as { systems?: Record<string, { log_format?: string }> } & Record<string, { log_format?: string }>;
    const entry = settings.systems?.[system] ?? settings[system];
    if (entry?.log_format) return entry.log_format;
  }
  return undefined;
}

export async function loadDataset(dir: string, logFormat?: string): Promise<LoghubDataset> {
  const names = await readdir(dir);
  const logFile = names.find((n) => n.endsWith('_2k.log')) ?? names.find((n) => n.endsWith('.log'));
  if (!logFile) throw new Error(`no *_2k.log file in ${dir}`);
  const system = logFile.replace(/(_2k)?\.log$/, '') || basename(dir);
  const format = logFormat ?? (await findLogFormat(dir, system));
  if (!format) throw new Error(`no log format for ${system}: pass --log-format or add drain_benchmark_settings.json beside ${dir}`);
  const compiled = compileLogFormat(format);
  const raw = await readFile(join(dir, logFile), 'utf8');
  const contents: string[] = [];
  let unmatched = 0;
  for (const line of raw.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const { content, matched } = extractContent(compiled, line);
    if (!matched) unmatched++;
    contents.push(content);
  }
  const truthFile = join(dir, `${logFile}_structured.csv`);
  let truth: string[] | undefined;
  try {
    const records = parseCsvRecords(await readFile(truthFile, 'utf8'));
    truth = records.map((r) => r.EventTemplate ?? '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return { system, dir, logFile, logFormat: format, contents, unmatched, truth };
}

/** Mines every line once, then prints each with the template its id resolves to. */
export function mineContents(contents: string[], options: Partial<MinerOptions> = {}): { templates: string[]; mineMs: number } {
  const miner = new TemplateMiner(options);
  const ids: string[] = new Array(contents.length);
  const started = performance.now();
  for (let i = 0; i < contents.length; i++) ids[i] = miner.add(contents[i]).templateId;
  const mineMs = performance.now() - started;
  const templates = ids.map((id) => miner.template(id) ?? '');
  return { templates, mineMs };
}

export async function runLoghub(dir: string, logFormat?: string, options: Partial<MinerOptions> = {}): Promise<LoghubRun> {
  const dataset = await loadDataset(dir, logFormat);
  const { templates, mineMs } = mineContents(dataset.contents, options);
  const score = dataset.truth ? scoreLoghub(dataset.truth, templates) : undefined;
  return { dataset, templates, mineMs, score };
}

/** `LineId,EventTemplate` rows, LineId counting from 1. */
export function predictionCsv(templates: string[]): string {
  return ['LineId,EventTemplate', ...templates.map((t, i) => csvRow([String(i + 1), t]))].join('\n') + '\n';
}

/** System folders under a root: directories holding a `*_2k.log`. */
export async function listSystems(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(root)).sort()) {
    const dir = join(root, name);
    if (!(await stat(dir)).isDirectory()) continue;
    if ((await readdir(dir)).some((n) => n.endsWith('.log'))) out.push(dir);
  }
  return out;
}
