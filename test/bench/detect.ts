/**
 * Throughput of the online metric detectors: every NAB data file (or, without the corpus,
 * seeded synthetic series) replayed through a fresh `vigil` and a fresh `zscore` detector,
 * single-threaded; prints the median points/s of several runs, the ratio, and the size of
 * a vigil snapshot per series (the runner stores one per series).
 * Usage: npm run bench:detect [-- CORPUS_DIR]   (default $VIGIL_NAB_DIR or ../shared/data/nab beside the repository)
 */
import { existsSync } from 'node:fs';
import { createDetector, snapshot, step, type DetectorName } from '../../detectors/metrics/index.js';
import type { VigilOptions } from '../../detectors/metrics/vigil.js';
import { listCorpusFiles, readSeries } from '../../detectors/nab/index.js';
import { sharedDataDir } from '../helpers/shared-data.js';

const RUNS = 7;
const corpusDir = process.argv[2] ?? sharedDataDir('nab', 'VIGIL_NAB_DIR');

interface Input {
  timestampMs: ArrayLike<number>;
  values: ArrayLike<number>;
}

async function loadInputs(): Promise<{ inputs: Input[]; source: string }> {
  if (existsSync(`${corpusDir}/data`)) {
    const files = await listCorpusFiles(corpusDir);
    return { inputs: await Promise.all(files.map((f) => readSeries(corpusDir, f))), source: `${files.length} NAB files from ${corpusDir}` };
  }
  let seed = 42;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const inputs: Input[] = [];
  for (let s = 0; s < 40; s++) {
    const n = 5000;
    const timestampMs = new Float64Array(n);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      timestampMs[i] = Date.UTC(2024, 0, 1) + i * 300_000;
      values[i] = 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 5 * (rand() - 0.5) + (rand() < 0.001 ? 40 : 0);
    }
    inputs.push({ timestampMs, values });
  }
  return { inputs, source: '40 synthetic series of 5000 points' };
}

function pointsPerSecond(detector: DetectorName, inputs: Input[], vigil: Partial<VigilOptions> = {}): number {
  let points = 0;
  let sink = 0;
  const started = process.hrtime.bigint();
  for (const input of inputs) {
    const state = createDetector({ detector, vigil });
    const n = input.values.length;
    for (let i = 0; i < n; i++) sink += step(state, input.timestampMs[i], input.values[i]).score;
    points += n;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (Number.isNaN(sink)) throw new Error('NaN score');
  return points / seconds;
}

/** Mean and largest `snapshot` length (bytes of JSON text) of a vigil state after each whole input. */
function snapshotBytes(inputs: Input[]): { mean: number; max: number } {
  let total = 0;
  let max = 0;
  for (const input of inputs) {
    const state = createDetector({ detector: 'vigil' });
    for (let i = 0; i < input.values.length; i++) step(state, input.timestampMs[i], input.values[i]);
    const bytes = snapshot(state).length;
    total += bytes;
    max = Math.max(max, bytes);
  }
  return { mean: total / inputs.length, max };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const { inputs, source } = await loadInputs();
const points = inputs.reduce((sum, x) => sum + x.values.length, 0);
pointsPerSecond('vigil', inputs); // warm up the JIT
pointsPerSecond('zscore', inputs);
const vigil: number[] = [];
const noShape: number[] = [];
const zscore: number[] = [];
for (let r = 0; r < RUNS; r++) {
  vigil.push(pointsPerSecond('vigil', inputs));
  noShape.push(pointsPerSecond('vigil', inputs, { shapeWeight: 0 }));
  zscore.push(pointsPerSecond('zscore', inputs));
}
const v = median(vigil);
const z = median(zscore);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`bench:detect — ${source}, ${points} points per run, median of ${RUNS} runs, one core`);
console.log(`vigil (combined)  ${fmt(v).padStart(12)} points/s`);
console.log(`vigil, no shape   ${fmt(median(noShape)).padStart(12)} points/s`);
console.log(`zscore (baseline) ${fmt(z).padStart(12)} points/s`);
console.log(`vigil / zscore    ${(v / z).toFixed(2)}×`);
const bytes = snapshotBytes(inputs);
console.log(`vigil snapshot    ${fmt(bytes.mean).padStart(12)} bytes per series (mean; largest ${fmt(bytes.max)})`);
