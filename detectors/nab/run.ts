import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDetector, step, type DetectorName } from '../metrics/index.js';
import { listCorpusFiles, readSeries, type CorpusFile } from './corpus.js';

export interface RunNabOptions {
  corpusDir: string;
  outDir: string;
  detector: DetectorName;
  /** Called after each file, e.g. to tick a progress bar. */
  onFile?: (file: CorpusFile, index: number, total: number) => void;
}

export interface RunNabResult {
  files: number;
  points: number;
  detectMs: number;
  resultsDir: string;
}

/** Scores every row of one series in order; each row is seen once, no look-ahead. */
export function detectSeries(detector: DetectorName, timestampMs: ArrayLike<number>, values: ArrayLike<number>): Float64Array {
  const state = createDetector({ detector });
  const scores = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) scores[i] = step(state, timestampMs[i], values[i]).score;
  return scores;
}

/**
 * Replays every `data/<category>/<file>.csv` through a fresh detector and writes NAB
 * results: `<outDir>/<detector>/<category>/<detector>_<file>.csv`.
 */
export async function runNab(options: RunNabOptions): Promise<RunNabResult> {
  const { corpusDir, outDir, detector } = options;
  const files = await listCorpusFiles(corpusDir);
  const resultsDir = join(outDir, detector);
  let points = 0;
  let detectMs = 0;
  for (const [index, file] of files.entries()) {
    const series = await readSeries(corpusDir, file);
    const started = performance.now();
    const scores = detectSeries(detector, series.timestampMs, series.values);
    detectMs += performance.now() - started;
    points += scores.length;
    const lines = ['timestamp,value,anomaly_score,label'];
    for (let i = 0; i < scores.length; i++) lines.push(`${series.timestamps[i]},${series.rawValues[i]},${scores[i]},0`);
    await mkdir(join(resultsDir, file.category), { recursive: true });
    await writeFile(join(resultsDir, file.category, `${detector}_${file.file}`), lines.join('\n') + '\n');
    options.onFile?.(file, index, files.length);
  }
  return { files: files.length, points, detectMs, resultsDir };
}
