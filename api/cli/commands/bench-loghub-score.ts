import { readFile } from 'node:fs/promises';
import { parseCsvRecords, scoreLoghub } from '../../../detectors/logs/index.js';
import { UsageError, type Command } from '../command.js';

const command: Command = {
  path: ['bench', 'loghub-score'],
  summary: 'Score predicted log templates against Loghub ground truth (GA, PA, FGA, FTA)',
  details: `
Both files are CSV with LineId and EventTemplate columns (the truth is <Sys>_2k.log_structured.csv).
Lines are matched by LineId; a line missing from the predictions counts as the empty template.
GA and FGA group lines by template string (Loghub-2.0, ISSTA'24), PA is exact string equality
per line, FTA is the F1 of template-level precision and recall.`,
  flags: {
    truth: { type: 'string', value: 'FILE', required: true, description: 'Ground truth <Sys>_2k.log_structured.csv' },
    pred: { type: 'string', value: 'FILE', required: true, description: 'Predictions CSV (LineId,EventTemplate)' },
  },
  async run({ flags, stdout }) {
    const truth = parseCsvRecords(await readFile(flags.truth as string, 'utf8'));
    const pred = parseCsvRecords(await readFile(flags.pred as string, 'utf8'));
    for (const [name, rows] of [['--truth', truth], ['--pred', pred]] as const) {
      if (rows.length > 0 && !('EventTemplate' in rows[0])) throw new UsageError(`${name} has no EventTemplate column`);
    }
    const byLine = new Map<string, string>();
    pred.forEach((row, i) => byLine.set(row.LineId ?? String(i + 1), row.EventTemplate));
    const truthTemplates = truth.map((row) => row.EventTemplate);
    const predicted = truth.map((row, i) => byLine.get(row.LineId ?? String(i + 1)) ?? '');
    const s = scoreLoghub(truthTemplates, predicted);
    stdout.write(`lines ${s.lines}  truth templates ${s.truthTemplates}  predicted templates ${s.predictedTemplates}\n`);
    stdout.write(`GA ${s.ga.toFixed(4)}  PA ${s.pa.toFixed(4)}  FGA ${s.fga.toFixed(4)}  FTA ${s.fta.toFixed(4)}\n`);
    return 0;
  },
};

export default command;
