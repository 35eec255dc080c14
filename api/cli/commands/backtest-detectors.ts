import { rangeFlags } from '../flags.js';
import { UsageError, type Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.js';
import { ProgressBar } from '../progress.js';

const DETECTORS = ['vigil', 'zscore', 'iforest', 'new-pattern'];

const flags = {
  ...CONFIG_FLAGS,
  since: { type: 'string' as const, value: 'TIME', description: 'Start of history (RFC 3339, Unix epoch, now-7d …)', required: true },
  until: { type: 'string' as const, value: 'TIME', description: 'End of history, exclusive (same forms)', required: true },
  detectors: { type: 'list' as const, value: 'NAME,…', description: `Detectors to score (default ${DETECTORS.join(',')})` },
  'warmup-minutes': { type: 'number' as const, value: 'N', description: 'History replayed before --since so the online detectors are warm (the vigil detector needs 150 points)', default: 180 },
  'slack-minutes': { type: 'number' as const, value: 'N', description: 'An anomaly this long before an incident\'s start still counts for it (anomalies precede the page)', default: 5 },
  json: { type: 'boolean' as const, description: 'Print the report as JSON' },
};

const command: Command = {
  path: ['backtest', 'detectors'],
  summary: 'Precision, recall and F1 of every detector against the incidents in history',
  details: `The online detectors (vigil, zscore) are replayed over the stored series (as \`vigil detect backfill\`
does, writing nothing); iforest scores the range with the active model (offline.iforest.model);
new-pattern is judged on the anomalies it stored. An anomaly is a true positive when it overlaps
an incident's window (start - slack .. resolution) on the same service; recall counts incidents
with at least one true positive. With the embedded store, stop \`vigil start\` on the same data
directory first (one chDB engine per directory).`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const { sinceMs, untilMs } = rangeFlags(ctx.flags);
    const detectors = (ctx.flags.detectors as string[] | undefined) ?? DETECTORS;
    const unknown = detectors.filter((d) => !DETECTORS.includes(d));
    if (unknown.length > 0) throw new UsageError(`unknown detector ${unknown.join(', ')} (choose from ${DETECTORS.join(', ')})`);
    const { migrate, openStore } = await import('../../../analytics/index.js');
    const { backtestDetectors, backtestTable } = await import('../../detector-backtest.js');
    const { storeConfig } = await import('../../engine.js');
    const store = await openStore(storeConfig(config));
    try {
      await migrate(store, { ttlDays: config['store.ttlDays'] });
      const bars = new Map<string, ProgressBar>();
      const report = await backtestDetectors(store, config, {
        sinceMs,
        untilMs,
        detectors: detectors as never,
        warmupMs: Number(ctx.flags['warmup-minutes']) * 60_000,
        slackMs: Number(ctx.flags['slack-minutes']) * 60_000,
        onProgress: (step, done, total) => {
          const bar = bars.get(step) ?? bars.set(step, new ProgressBar(`backtest ${step}`, total, ctx.stderr)).get(step)!;
          if (done === total) bar.finish();
          else bar.tick();
        },
      });
      for (const note of report.notes) ctx.stderr.write(`note: ${note}\n`);
      if (ctx.flags.json) ctx.stdout.write(`${JSON.stringify(report, (_, v) => (typeof v === 'number' && Number.isNaN(v) ? null : v), 2)}\n`);
      else ctx.stdout.write(`${report.incidents} incidents between ${new Date(sinceMs).toISOString()} and ${new Date(untilMs).toISOString()}\n${backtestTable(report)}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
