import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { listCorpusFiles, readProfiles, readSeries, readWindows, windowsToRows, type CorpusFile } from './corpus.js';
import { scoreProfile, type ProfileResult, type ScoredFile } from './scorer.js';

export const NAB_PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type NabProfileName = (typeof NAB_PROFILES)[number];

export interface ScoreNabOptions {
  corpusDir: string;
  /** `<results>/<detector>`: holds `<category>/<detector>_<file>.csv` for every corpus file. */
  resultsDir: string;
  onFile?: (file: CorpusFile, index: number, total: number) => void;
}

export type NabScores = Record<NabProfileName, ProfileResult>;

/** Reads a results CSV's `anomaly_score` column. */
export function parseResultScores(text: string, path: string): Float64Array {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0].split(',');
  const col = header.indexOf('anomaly_score');
  if (col < 0) throw new Error(`${path}: no anomaly_score column`);
  const scores = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const s = Number(lines[i].split(',')[col]);
    if (!Number.isFinite(s)) throw new Error(`${path}: row ${i} has a non-numeric anomaly_score`);
    scores[i - 1] = s;
  }
  return scores;
}

/** Loads a corpus's windows as row ranges and pairs each file with the given scores. */
export async function loadScoredFiles(
  corpusDir: string,
  scoresFor: (file: CorpusFile, rows: number) => Promise<ArrayLike<number>>,
  onFile?: ScoreNabOptions['onFile'],
): Promise<ScoredFile[]> {
  const files = await listCorpusFiles(corpusDir);
  const windows = await readWindows(corpusDir);
  const scored: ScoredFile[] = [];
  for (const [index, file] of files.entries()) {
    const series = await readSeries(corpusDir, file);
    const labelled = windows[file.key];
    if (!labelled) throw new Error(`${file.key}: not in labels/combined_windows.json`);
    const scores = await scoresFor(file, series.values.length);
    scored.push({ name: file.key, scores, windows: windowsToRows(file.key, series.timestampMs, labelled) });
    onFile?.(file, index, files.length);
  }
  return scored;
}

/** Scores every profile of `config/profiles.json` that NAB reports. */
export async function scoreFiles(corpusDir: string, files: ScoredFile[]): Promise<NabScores> {
  const profiles = await readProfiles(corpusDir);
  const out = {} as NabScores;
  for (const name of NAB_PROFILES) {
    if (!profiles[name]) throw new Error(`config/profiles.json has no "${name}" profile`);
    out[name] = scoreProfile(files, profiles[name]);
  }
  return out;
}

/**
 * NAB's optimise + score + normalise steps over a results directory. Refuses a
 * missing or short results file: silently skipping one would drop its misses.
 */
export async function scoreNab(options: ScoreNabOptions): Promise<NabScores> {
  const detector = basename(options.resultsDir);
  const files = await loadScoredFiles(
    options.corpusDir,
    async (file, rows) => {
      const path = join(options.resultsDir, file.category, `${detector}_${file.file}`);
      const scores = parseResultScores(await readFile(path, 'utf8'), path);
      if (scores.length !== rows) throw new Error(`${path}: ${scores.length} rows, data file has ${rows}`);
      return scores;
    },
    options.onFile,
  );
  return scoreFiles(options.corpusDir, files);
}
