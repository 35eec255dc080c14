import { rangeFlags } from '../flags.js';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { UsageError, type Command } from '../command.js';
import { ProgressBar } from '../progress.js';
import { SERVER_FLAGS, vigilClient } from '../vigil-client.js';

const FORMATS = ['csv', 'arrow', 'parquet'];

const flags = {
  ...SERVER_FLAGS,
  since: { type: 'string' as const, value: 'TIME', description: 'Start (RFC 3339, Unix epoch, now-7d …)', default: 'now-24h' },
  until: { type: 'string' as const, value: 'TIME', description: 'End, exclusive (same forms)', default: 'now' },
  format: { type: 'string' as const, value: 'csv|arrow|parquet', description: 'Output format (arrow: Arrow IPC stream)', default: 'csv' },
  out: { type: 'string' as const, value: 'FILE', description: 'File to write', required: true },
  'chunk-minutes': { type: 'number' as const, value: 'N', description: 'CSV and Arrow are fetched this many minutes at a time (the progress bar moves per chunk)', default: 60 },
};

const command: Command = {
  path: ['dataset', 'export'],
  summary: 'Export a dataset of a running Vigil over a time range to a CSV, Arrow or Parquet file',
  details: `Usage: vigil dataset export NAME --since TIME --until TIME --format csv|arrow|parquet --out FILE
CSV and Arrow are fetched chunk by chunk of --chunk-minutes (GET /api/v1/datasets/NAME per chunk)
and joined into one file; Parquet is fetched as one file (its footer indexes every row).
Needs the analyst role (--token or VIGIL_TOKEN when access control is on).`,
  flags,
  async run(ctx) {
    const name = ctx.args[0];
    if (!name || ctx.args.length > 1) throw new UsageError('give exactly one dataset NAME (vigil dataset list shows them)');
    const format = String(ctx.flags.format);
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
    const chunkMinutes = Number(ctx.flags['chunk-minutes']);
    if (!Number.isInteger(chunkMinutes) || chunkMinutes < 1) throw new UsageError('--chunk-minutes must be a whole number of minutes, at least 1');
    const { ArrowStreamJoiner, CsvJoiner, timeChunks } = await import('../../datasets.js');
    const now = Date.now();
    const { sinceMs, untilMs } = rangeFlags(ctx.flags, now);
    const client = vigilClient(ctx.flags);
    const path = (range: { sinceMs: number; untilMs: number }) =>
      `/api/v1/datasets/${encodeURIComponent(name)}?format=${format}&since=${range.sinceMs}&until=${range.untilMs}`;

    const out = createWriteStream(String(ctx.flags.out));
    const write = async (bytes: Buffer) => {
      if (bytes.length > 0 && !out.write(bytes)) await once(out, 'drain');
    };
    let written = 0;
    try {
      if (format === 'parquet') {
        const res = await client.get(path({ sinceMs, untilMs }));
        const total = Number(res.headers.get('content-length') ?? 0);
        const bar = new ProgressBar(`${name} (bytes)`, total, ctx.stderr);
        for await (const piece of res.body ?? []) {
          const bytes = Buffer.from(piece as Uint8Array);
          written += bytes.length;
          await write(bytes);
          bar.tick(bytes.length);
        }
        bar.finish();
      } else {
        const joiner = format === 'csv' ? new CsvJoiner() : new ArrowStreamJoiner();
        const chunks = timeChunks({ sinceMs, untilMs }, chunkMinutes * 60_000);
        const bar = new ProgressBar(name, chunks.length, ctx.stderr);
        for (const chunk of chunks) {
          const bytes = joiner.next(Buffer.from(await (await client.get(path(chunk))).arrayBuffer()));
          written += bytes.length;
          await write(bytes);
          bar.tick();
        }
        const end = joiner.end();
        written += end.length;
        await write(end);
        bar.finish();
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    ctx.stdout.write(`${name}: ${written} bytes of ${format} written to ${ctx.flags.out} (${new Date(sinceMs).toISOString()} .. ${new Date(untilMs).toISOString()})\n`);
    return 0;
  },
};

export default command;
