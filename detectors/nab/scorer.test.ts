import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreNab } from './score-results.js';
import { probationRows, rowValues, scaledSigmoid } from './scorer.js';

// A hand-made corpus: one file of 20 rows (probation = floor(0.15 × 20) = 3 rows) with one
// window over rows 10..13 (width 4), and one file without windows.
const ROWS = 20;
const ts = (i: number) => `2020-01-01 ${String(Math.floor(i / 12)).padStart(2, '0')}:${String((i % 12) * 5).padStart(2, '0')}:00`;
let corpus: string;

async function writeResults(detector: string, scoresA: number[], scoresB: number[]): Promise<string> {
  const dir = join(corpus, 'results', detector, 'cat');
  await mkdir(dir, { recursive: true });
  const csv = (scores: number[]) => ['timestamp,value,anomaly_score,label', ...scores.map((s, i) => `${ts(i)},1,${s},0`)].join('\n') + '\n';
  await writeFile(join(dir, `${detector}_a.csv`), csv(scoresA));
  await writeFile(join(dir, `${detector}_b.csv`), csv(scoresB));
  return join(corpus, 'results', detector);
}

const zeros = () => new Array<number>(ROWS).fill(0);

beforeAll(async () => {
  corpus = await mkdtemp(join(tmpdir(), 'nab-'));
  await mkdir(join(corpus, 'data', 'cat'), { recursive: true });
  await mkdir(join(corpus, 'labels'), { recursive: true });
  await mkdir(join(corpus, 'config'), { recursive: true });
  const data = ['timestamp,value', ...Array.from({ length: ROWS }, (_, i) => `${ts(i)},1`)].join('\n') + '\n';
  await writeFile(join(corpus, 'data', 'cat', 'a.csv'), data);
  await writeFile(join(corpus, 'data', 'cat', 'b.csv'), data);
  await writeFile(
    join(corpus, 'labels', 'combined_windows.json'),
    JSON.stringify({ 'cat/a.csv': [[`${ts(10)}.000000`, `${ts(13)}.000000`]], 'cat/b.csv': [] }),
  );
  const profile = (fp: number, fn: number) => ({ CostMatrix: { tpWeight: 1, fpWeight: fp, fnWeight: fn, tnWeight: 1 } });
  await writeFile(
    join(corpus, 'config', 'profiles.json'),
    JSON.stringify({ standard: profile(0.11, 1), reward_low_FP_rate: profile(0.22, 1), reward_low_FN_rate: profile(0.11, 2) }),
  );
});

afterAll(async () => {
  await rm(corpus, { recursive: true, force: true });
});

describe('NAB scoring primitives', () => {
  it('matches the scaled sigmoid values in NAB.md', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBe(-1);
    expect(scaledSigmoid(2.99)).toBeGreaterThan(-1);
  });

  it('caps the probationary period at 750 rows', () => {
    expect(probationRows(20)).toBe(3);
    expect(probationRows(4032)).toBe(604);
    expect(probationRows(22695)).toBe(750);
  });

  it('values a detection by its position in and after a window', () => {
    const { value, window } = rowValues(ROWS, [[10, 13]], { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 });
    expect(value[10]).toBeCloseTo(1, 12);
    expect(value[12]).toBeCloseTo(0.84828 / 0.98661, 4);
    expect(value[5]).toBeCloseTo(-0.11, 12);
    // Two rows past a width-4 window: y = 2 / 3.
    expect(value[15]).toBeCloseTo(0.11 * (2 / (1 + Math.exp(5 * (2 / 3))) - 1), 12);
    expect(value[19]).toBeCloseTo(0.11 * scaledSigmoid(2), 12);
    expect([window[9], window[10], window[13], window[14]]).toEqual([-1, 0, 0, -1]);
  });
});

describe('scoreNab on a hand-made corpus', () => {
  it('gives the perfect detector 100 and the null detector 0 on every profile', async () => {
    const perfect = zeros();
    perfect[10] = 1;
    const p = await scoreNab({ corpusDir: corpus, resultsDir: await writeResults('perfect', perfect, zeros()) });
    const n = await scoreNab({ corpusDir: corpus, resultsDir: await writeResults('null', zeros().fill(0.5), zeros().fill(0.5)) });
    for (const profile of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
      expect(p[profile].score).toBeCloseTo(100, 9);
      expect(n[profile].score).toBeCloseTo(0, 9);
    }
    expect(n.standard.nullRawScore).toBe(-1);
    expect(n.reward_low_FN_rate.nullRawScore).toBe(-2);
  });

  it('charges one false positive that shares the detection threshold', async () => {
    const a = zeros();
    a[10] = 1;
    const b = zeros();
    b[5] = 1;
    const s = await scoreNab({ corpusDir: corpus, resultsDir: await writeResults('onefp', a, b) });
    // raw = 1 (first row of the window) − A_FP; normalised = 100 (raw − null) / (perfect − null).
    expect(s.standard.rawScore).toBeCloseTo(0.89, 12);
    expect(s.standard.score).toBeCloseTo((100 * (0.89 + 1)) / 2, 9);
    expect(s.reward_low_FP_rate.score).toBeCloseTo((100 * (0.78 + 1)) / 2, 9);
    expect(s.reward_low_FN_rate.score).toBeCloseTo((100 * (0.89 + 2)) / 3, 9);
  });

  it('says per file where the first detection fell in each window, and what false positives cost', async () => {
    const a = zeros();
    a[12] = 1;
    a[13] = 1; // a later detection in the same window earns nothing more
    const b = zeros();
    b[5] = 1;
    b[6] = 1;
    const s = await scoreNab({ corpusDir: corpus, resultsDir: await writeResults('perfile', a, b) });
    const [fa, fb] = s.standard.perFile;
    expect(fa.windows).toEqual([{ left: 10, right: 13, firstDetection: { row: 12, value: expect.closeTo(0.84828 / 0.98661, 4) } }]);
    expect(fa.falsePositives).toBe(0);
    expect(fb.windows).toEqual([]);
    expect(fb.falsePositives).toBe(2);
    expect(fb.falsePositiveCost).toBeCloseTo(-0.22, 12);
    const missed = await scoreNab({ corpusDir: corpus, resultsDir: await writeResults('missed', zeros(), b) });
    expect(missed.standard.perFile[0].windows[0].firstDetection).toBeNull();
  });

  it('picks the threshold that drops a lower-scored false positive, and ignores probation', async () => {
    const a = zeros();
    a[1] = 1; // probationary: neither rewarded nor penalised
    a[12] = 0.9; // detection at the window's middle: worth sigmoid(-0.5)/sigmoid(-1)
    const b = zeros();
    b[7] = 0.8;
    const s = await scoreNab({ corpusDir: corpus, resultsDir: await writeResults('late', a, b) });
    expect(s.standard.threshold).toBe(0.9);
    expect(s.standard.rawScore).toBeCloseTo(0.84828 / 0.98661, 4);
  });

  it('refuses a results directory that misses a file', async () => {
    const dir = await writeResults('missing', zeros(), zeros());
    await rm(join(dir, 'cat', 'missing_b.csv'));
    await expect(scoreNab({ corpusDir: corpus, resultsDir: dir })).rejects.toThrow(/missing_b\.csv/);
  });
});
