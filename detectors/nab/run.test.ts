import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNab, scoreNab } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('runNab', () => {
  it('writes one results row per data row and the file scores end to end', async () => {
    const corpus = await mkdtemp(join(tmpdir(), 'nab-run-'));
    dirs.push(corpus);
    await mkdir(join(corpus, 'data', 'synthetic'), { recursive: true });
    await mkdir(join(corpus, 'labels'), { recursive: true });
    await mkdir(join(corpus, 'config'), { recursive: true });
    const ts = (i: number) => new Date(Date.UTC(2024, 0, 1) + i * 300_000).toISOString().slice(0, 19).replace('T', ' ');
    // A clean sawtooth with one spike at row 1500; the window is centred on it.
    const rows = Array.from({ length: 2000 }, (_, i) => `${ts(i)},${i === 1500 ? 100 : 10 + (i % 7) * 0.5}`);
    await writeFile(join(corpus, 'data', 'synthetic', 'spike.csv'), ['timestamp,value', ...rows].join('\n') + '\n');
    await writeFile(join(corpus, 'labels', 'combined_windows.json'), JSON.stringify({ 'synthetic/spike.csv': [[`${ts(1400)}.000000`, `${ts(1600)}.000000`]] }));
    const cost = (fp: number, fn: number) => ({ CostMatrix: { tpWeight: 1, fpWeight: fp, fnWeight: fn, tnWeight: 1 } });
    await writeFile(join(corpus, 'config', 'profiles.json'), JSON.stringify({ standard: cost(0.11, 1), reward_low_FP_rate: cost(0.22, 1), reward_low_FN_rate: cost(0.11, 2) }));

    const out = join(corpus, 'out');
    const result = await runNab({ corpusDir: corpus, outDir: out, detector: 'vigil' });
    expect(result).toMatchObject({ files: 1, points: 2000 });
    const lines = (await readFile(join(out, 'vigil', 'synthetic', 'vigil_spike.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score,label');
    expect(lines).toHaveLength(2001);
    expect(lines[1501].startsWith(`${ts(1500)},100,`)).toBe(true);

    const scores = await scoreNab({ corpusDir: corpus, resultsDir: join(out, 'vigil') });
    // Detected at the labelled point (the window's middle): about 0.86 of a perfect score, no false positives.
    expect(scores.standard.rawScore).toBeGreaterThan(0.8);
    expect(scores.standard.score).toBeGreaterThan(90);
  });
});
