import { NAB_PROFILES, scoreNab, type FileScore } from '../../../detectors/nab/index.js';
import type { Command } from '../command.js';
import { ProgressBar } from '../progress.js';

const command: Command = {
  path: ['bench', 'nab-score'],
  summary: 'Score NAB results with NAB v1.1 rules (all three profiles, normalised: null 0, perfect 100)',
  details: `
Reads RESULTS/<category>/<detector>_<file>.csv for every data file of the corpus (a missing or short
file is an error: skipping it would drop its misses), sweeps every distinct score as the global
threshold per profile, and normalises against the null detector as NAB's Runner.normalize does.`,
  flags: {
    corpus: { type: 'string', value: 'DIR', description: 'NAB corpus root (holds data/, labels/, config/)', required: true },
    results: { type: 'string', value: 'DIR', description: 'Results of one detector, e.g. /tmp/nab-out/vigil', required: true },
    'per-file': {
      type: 'boolean',
      description: 'Also print, per file at the standard threshold: raw score, detections, each window (where in it the first detection fell and what it earned, or MISS) and the false positives with their cost',
      default: false,
    },
  },
  async run({ flags, stdout, stderr }) {
    let bar: ProgressBar | undefined;
    const scores = await scoreNab({
      corpusDir: flags.corpus as string,
      resultsDir: flags.results as string,
      onFile: (_file, _index, total) => {
        bar ??= new ProgressBar('nab-score', total, stderr);
        bar.tick();
      },
    });
    bar?.finish();
    if (flags['per-file']) {
      for (const f of scores.standard.perFile) stdout.write(describeFile(f) + '\n');
    }
    const rows = [['profile', 'score', 'threshold', 'raw', 'null raw', 'perfect raw']];
    for (const name of NAB_PROFILES) {
      const p = scores[name];
      rows.push([name, p.score.toFixed(2), p.threshold.toFixed(6), p.rawScore.toFixed(3), p.nullRawScore.toFixed(3), p.perfectRawScore.toFixed(3)]);
    }
    const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
    stdout.write(rows.map((r) => r.map((c, k) => c.padEnd(widths[k])).join('  ')).join('\n') + '\n');
    return 0;
  },
};

/** `  0.750    3 det  cat/file.csv  hit@0.50=+0.86 MISS  fp 2 (-0.22)`: position of the first detection as a share of the window. */
function describeFile(f: FileScore): string {
  const windows = f.windows.map((w) => {
    const d = w.firstDetection;
    if (!d) return 'MISS';
    return `hit@${((d.row - w.left) / (w.right - w.left + 1)).toFixed(2)}=${d.value >= 0 ? '+' : ''}${d.value.toFixed(2)}`;
  });
  return `${f.rawScore.toFixed(3).padStart(8)}  ${String(f.detections).padStart(4)} det  ${f.name}  ${windows.join(' ')}${windows.length ? '  ' : ''}fp ${f.falsePositives} (${f.falsePositiveCost.toFixed(2)})`;
}

export default command;
