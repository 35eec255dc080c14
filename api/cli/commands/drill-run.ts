import { readFile } from 'node:fs/promises';
import { UsageError, type Command } from '../command.js';
import { SERVER_FLAGS, vigilClient } from '../vigil-client.js';

const POLL_MS = 1_000;

const command: Command = {
  path: ['drill', 'run'],
  summary: 'Run a chaos drill against a running Vigil and follow it live',
  details: `SPEC is a drill file (YAML or JSON, schema in chaos/drills/drill.schema.json); or --library NAME
runs a ready-made drill (see \`vigil drill library\`). Synthetic drills start at once; drills against
real targets wait for approval by a second person (POST /api/v1/drills/ID/approve). Prints each phase,
fault and detection as it happens, then the scores. Exit code 0 when the drill passed, 1 otherwise.`,
  flags: {
    ...SERVER_FLAGS,
    library: { type: 'string', value: 'NAME', description: 'Run this library drill instead of a spec file' },
    detach: { type: 'boolean', description: 'Start the drill and return its id without following it', default: false },
  },
  async run(ctx) {
    const client = vigilClient(ctx.flags);
    const library = ctx.flags.library as string | undefined;
    const file = ctx.args[0];
    if (!library && !file) throw new UsageError('give a drill spec file or --library NAME');
    const body = library ? { library } : { spec: await readFile(file, 'utf8') };
    const drill = await client.request('POST', '/api/v1/drills', body);
    ctx.stdout.write(`drill ${drill.id} (${drill.name}): ${drill.status}\n`);
    if (ctx.flags.detach || drill.status === 'awaiting-approval') return 0;
    const started = Date.now();
    let shown = 0;
    for (;;) {
      const now = await client.request('GET', `/api/v1/drills/${drill.id}`);
      const lines = now.progress ?? now.report?.progress?.map((p: any) => ({ time: new Date(p.wallMs).toISOString(), phase: p.phase, message: p.message })) ?? [];
      for (const p of lines.slice(shown)) ctx.stdout.write(`[${((Date.parse(p.time) - started) / 1000).toFixed(0).padStart(4)} s] ${p.phase.padEnd(12)} ${p.message}\n`);
      shown = Math.max(shown, lines.length);
      if (!['pending', 'running'].includes(now.status)) {
        const report = now.report;
        if (report?.score) {
          ctx.stdout.write(`\n${'fault'.padEnd(28)} detected  ttd s  incident s  page s  rca  recovery s\n`);
          for (const f of report.score.faults) {
            const n = (x: number | null) => (x === null ? '—' : x.toFixed(1));
            ctx.stdout.write(`${f.fault.padEnd(28)} ${(f.detected ? 'yes' : 'no').padEnd(9)} ${n(f.timeToDetectSeconds).padStart(5)}  ${n(f.timeToIncidentSeconds).padStart(10)}  ${n(f.timeToPageSeconds).padStart(6)}  ${String(f.rootCauseRank ?? '—').padStart(3)}  ${n(f.recoverySeconds).padStart(10)}\n`);
          }
          ctx.stdout.write(`\n${now.status}: score ${report.score.score}; report: ${client.url}/api/v1/drills/${drill.id}/report?format=html\n`);
        } else ctx.stdout.write(`${now.status}\n`);
        return now.status === 'passed' ? 0 : 1;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  },
};

export default command;
