import { DETECTOR_NAMES, isDetectorName } from '../../../detectors/metrics/index.js';
import { runNab } from '../../../detectors/nab/index.js';
import { UsageError, type Command } from '../command.js';
import { ProgressBar } from '../progress.js';

const command: Command = {
  path: ['bench', 'nab'],
  summary: 'Replay a NAB corpus through an online metric detector and write NAB results files',
  details: `
Feeds every DIR/data/<category>/<file>.csv row by row (each row once, in order, no look-ahead)
through a fresh detector per file and writes OUT/<detector>/<category>/<detector>_<file>.csv with
timestamp,value,anomaly_score,label. Score them with: vigil bench nab-score --corpus DIR --results OUT/<detector>
Detectors: ${DETECTOR_NAMES.join(', ')}.`,
  flags: {
    corpus: { type: 'string', value: 'DIR', description: 'NAB corpus root (holds data/, labels/, config/)', required: true },
    out: { type: 'string', value: 'DIR', description: 'Results root; files go under DIR/<detector>/', required: true },
    detector: { type: 'string', value: 'NAME', description: `One of ${DETECTOR_NAMES.join(', ')}`, default: 'vigil' },
  },
  async run({ flags, stdout, stderr }) {
    const detector = flags.detector as string;
    if (!isDetectorName(detector)) throw new UsageError(`--detector must be one of ${DETECTOR_NAMES.join(', ')}, got "${detector}"`);
    let bar: ProgressBar | undefined;
    const result = await runNab({
      corpusDir: flags.corpus as string,
      outDir: flags.out as string,
      detector,
      onFile: (_file, _index, total) => {
        bar ??= new ProgressBar(`nab ${detector}`, total, stderr);
        bar.tick();
      },
    });
    bar?.finish();
    const rate = Math.round(result.points / Math.max(result.detectMs / 1000, 1e-9));
    stdout.write(`${detector}: ${result.files} files, ${result.points} points, detection ${result.detectMs.toFixed(0)} ms (${rate} points/s)\nresults: ${result.resultsDir}\n`);
    return 0;
  },
};

export default command;
