import { UsageError, type Command } from '../command.js';
import { SERVER_FLAGS, vigilClient } from '../vigil-client.js';

const command: Command = {
  path: ['drill', 'show'],
  summary: 'Show one drill: status, progress, scores and failures (JSON)',
  flags: { ...SERVER_FLAGS },
  async run(ctx) {
    const id = ctx.args[0];
    if (!id) throw new UsageError('give a drill id (vigil drill list)');
    const d = await vigilClient(ctx.flags).request('GET', `/api/v1/drills/${encodeURIComponent(id)}`);
    const { report, ...rest } = d;
    const summary = report ? { ...rest, score: report.score.score, failures: report.score.failures, faults: report.score.faults, dataLoss: report.score.dataLoss, falseAlarms: report.score.falseAlarms } : rest;
    ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  },
};

export default command;
