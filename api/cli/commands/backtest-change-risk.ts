import { rangeFlags } from '../flags.js';
import type { Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.js';
import { ProgressBar } from '../progress.js';

const flags = {
  ...CONFIG_FLAGS,
  since: { type: 'string' as const, value: 'TIME', description: 'First deployment to replay (RFC 3339, Unix epoch, now-30d …)', required: true },
  until: { type: 'string' as const, value: 'TIME', description: 'End of the replay, exclusive; outcomes are observed up to here (same forms)', required: true },
  json: { type: 'boolean' as const, description: 'Print the result (every change, calibration, AUC) as JSON instead of tables' },
};

const command: Command = {
  path: ['backtest', 'change-risk'],
  summary: 'Replay past deployments through the change-risk model and report calibration and AUC',
  details: `For each deployment in the range (dora.environments), scores the change as POST /api/v1/change-risk
would have just before it — every query asked as of the deployment's time, so nothing that
happened later is seen — then compares with what happened: failed when an incident on the
service or a rollback followed within dora.failureWindowHours. Prints the failure rate per
risk level (a calibrated model fails more often at each higher level) and the AUC (the chance
that a failed deployment scored above a good one; 0.5 is a coin). With the embedded store,
stop \`vigil start\` on the same data directory first.`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const { sinceMs, untilMs } = rangeFlags(ctx.flags);
    const { migrate, openStore } = await import('../../../analytics/index.js');
    const { storeConfig } = await import('../../engine.js');
    const { changeRiskSettings } = await import('../../xops/settings.js');
    const { backtestChangeRisk } = await import('../../xops/backtest.js');
    const settings = changeRiskSettings(config);
    const store = await openStore(storeConfig(config));
    try {
      await migrate(store, { ttlDays: config['store.ttlDays'] });
      let bar: ProgressBar | undefined;
      const result = await backtestChangeRisk(store, { sinceMs, untilMs }, settings, (_done, total) => {
        bar ??= new ProgressBar('backtest change-risk', total, ctx.stderr);
        bar.tick();
      });
      bar?.finish();
      if (ctx.flags.json) {
        ctx.stdout.write(JSON.stringify(result, null, 2) + '\n');
        return 0;
      }
      const failed = result.changes.filter((c) => c.failed).length;
      ctx.stdout.write(`${result.changes.length} deployments replayed, ${failed} failed (${new Date(sinceMs).toISOString()} .. ${new Date(untilMs).toISOString()})\n\n`);
      ctx.stdout.write('calibration\n');
      ctx.stdout.write(`${'level'.padEnd(10)}${'changes'.padStart(9)}${'failed'.padStart(9)}${'failure rate'.padStart(14)}\n`);
      for (const row of result.calibration) {
        const rate = row.failureRate === null ? '-' : `${(row.failureRate * 100).toFixed(1)} %`;
        ctx.stdout.write(`${row.level.padEnd(10)}${String(row.changes).padStart(9)}${String(row.failed).padStart(9)}${rate.padStart(14)}\n`);
      }
      ctx.stdout.write(`\nAUC ${result.auc === null ? 'n/a (needs failed and good deployments)' : result.auc.toFixed(3)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
