import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listSystems, predictionCsv, runLoghub, type LoghubRun } from '../../../detectors/logs/index.js';
import { UsageError, type Command } from '../command.js';
import { ProgressBar } from '../progress.js';

const command: Command = {
  path: ['bench', 'loghub'],
  summary: 'Mine log templates from Loghub 2k samples and score them against the ground truth',
  details: `
Reads DIR/<Sys>_2k.log, splits each line's header with the Loghub log format (from --log-format,
else drain_benchmark_settings.json beside DIR), mines templates from Content in one pass with
Vigil's streaming miner (one configuration for every system) and writes LineId,EventTemplate.
With --all ROOT every system folder under ROOT is run and GA/PA/FGA/FTA are printed per system
and averaged wherever <Sys>_2k.log_structured.csv is present.`,
  flags: {
    dataset: { type: 'string', value: 'DIR', description: 'One system folder, e.g. data/loghub/HDFS' },
    all: { type: 'string', value: 'ROOT', description: 'Run every system folder under ROOT' },
    'log-format': { type: 'string', value: 'FORMAT', description: 'Loghub log format, e.g. "<Date> <Time> <Level>: <Content>"' },
    out: { type: 'string', value: 'FILE', description: 'Predictions CSV (with --all: a directory for <Sys>_2k.log_vigil.csv files)' },
  },
  async run({ flags, stdout, stderr }) {
    const dataset = flags.dataset as string | undefined;
    const all = flags.all as string | undefined;
    const logFormat = flags['log-format'] as string | undefined;
    const out = flags.out as string | undefined;
    if (!dataset === !all) throw new UsageError('give exactly one of --dataset DIR or --all ROOT');
    if (dataset) {
      if (!out) throw new UsageError('--out FILE is required with --dataset');
      const run = await runLoghub(dataset, logFormat);
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, predictionCsv(run.templates));
      stdout.write(summary(run) + '\n');
      return 0;
    }
    const systems = await listSystems(all!);
    if (systems.length === 0) throw new UsageError(`no system folders with a .log file under ${all}`);
    const bar = new ProgressBar('loghub', systems.length, stderr);
    const runs: LoghubRun[] = [];
    for (const dir of systems) {
      const run = await runLoghub(dir, logFormat);
      runs.push(run);
      if (out) {
        await mkdir(out, { recursive: true });
        await writeFile(join(out, `${run.dataset.logFile}_vigil.csv`), predictionCsv(run.templates));
      }
      bar.tick();
    }
    bar.finish();
    stdout.write(table(runs));
    return 0;
  },
};

function summary(run: LoghubRun): string {
  const lines = run.dataset.contents.length;
  const rate = Math.round(lines / Math.max(run.mineMs / 1000, 1e-9));
  const head = `${run.dataset.system}: ${lines} lines, ${new Set(run.templates).size} templates, mined in ${run.mineMs.toFixed(1)} ms (${rate} lines/s)`;
  const s = run.score;
  return s ? `${head}\nGA ${f3(s.ga)}  PA ${f3(s.pa)}  FGA ${f3(s.fga)}  FTA ${f3(s.fta)}` : head;
}

function table(runs: LoghubRun[]): string {
  const rows = [['system', 'lines', 'templates', 'truth', 'GA', 'PA', 'FGA', 'FTA']];
  const scored = runs.filter((r) => r.score);
  for (const r of runs) {
    const s = r.score;
    rows.push([
      r.dataset.system,
      String(r.dataset.contents.length),
      String(new Set(r.templates).size),
      s ? String(s.truthTemplates) : '-',
      ...(s ? [s.ga, s.pa, s.fga, s.fta].map(f3) : ['-', '-', '-', '-']),
    ]);
  }
  if (scored.length > 0) {
    const mean = (pick: (r: LoghubRun) => number) => f3(scored.reduce((sum, r) => sum + pick(r), 0) / scored.length);
    rows.push([`average (${scored.length})`, '', '', '', mean((r) => r.score!.ga), mean((r) => r.score!.pa), mean((r) => r.score!.fga), mean((r) => r.score!.fta)]);
  }
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => row[k].length)));
  return rows.map((row) => row.map((cell, k) => (k === 0 ? cell.padEnd(widths[k]) : cell.padStart(widths[k]))).join('  ')).join('\n') + '\n';
}

function f3(x: number): string {
  return x.toFixed(3);
}

export default command;
