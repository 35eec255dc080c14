import { rangeFlags } from '../flags.js';
import { UsageError, type Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.js';

const flags = {
  ...CONFIG_FLAGS,
  since: { type: 'string' as const, value: 'TIME', description: 'Start of the history (RFC 3339, Unix epoch, now-28d …)', required: true },
  until: { type: 'string' as const, value: 'TIME', description: 'End of the history, exclusive (same forms)', required: true },
  service: { type: 'string' as const, value: 'NAME', description: 'Only this service (default: every service with gauge or sum metrics)' },
  metric: { type: 'string' as const, value: 'NAME', description: 'Only this metric' },
  horizon: { type: 'string' as const, value: 'DURATION', description: 'Forecast horizon per fold: <n>h, <n>d or <n>w', default: '24h' },
  folds: { type: 'number' as const, value: 'N', description: 'Forecast origins, one horizon apart, ending at --until', default: 4 },
  json: { type: 'boolean' as const, description: 'Print every series and fold as JSON instead of a table' },
};

const command: Command = {
  path: ['backtest', 'capacity'],
  summary: 'Rolling-origin backtest of the capacity forecaster on stored metrics: sMAPE, MAPE, interval coverage',
  details: `Reads every gauge and sum series (per service and metric, as GET /api/v1/capacity does, at
capacity.stepMinutes) in [--since, --until), cuts it at --folds origins one --horizon apart, and
at each forecasts the next horizon from only what came before (model selection included), then
compares with what followed. Prints per series the model picked, sMAPE and MAPE (mean over
folds) and the share of points inside the prediction interval (capacity.intervalLevel). With
the embedded store, stop \`vigil start\` on the same data directory first.`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const { parseHorizonMs } = await import('../../routes/capacity.js');
    const { sinceMs, untilMs } = rangeFlags(ctx.flags);
    const folds = Number(ctx.flags.folds ?? 4);
    if (!Number.isInteger(folds) || folds < 1) throw new UsageError('--folds must be a positive integer');
    const { migrate, openStore } = await import('../../../analytics/index.js');
    const { storeConfig } = await import('../../engine.js');
    const { capacitySettings } = await import('../../finops/settings.js');
    const { backtestCapacity } = await import('../../finops/backtest.js');
    const settings = capacitySettings(config);
    let horizonMs: number;
    try {
      horizonMs = parseHorizonMs(String(ctx.flags.horizon ?? '24h'), settings.maxHorizonMs);
    } catch (err) {
      throw new UsageError(`--${(err as Error).message}`);
    }
    const store = await openStore(storeConfig(config));
    try {
      await migrate(store, { ttlDays: config['store.ttlDays'] });
      const result = await backtestCapacity(store, { sinceMs, untilMs, service: ctx.flags.service as string | undefined, metric: ctx.flags.metric as string | undefined, horizonMs, folds }, settings);
      if (ctx.flags.json) {
        ctx.stdout.write(JSON.stringify(result, null, 2) + '\n');
        return 0;
      }
      const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)} %`);
      ctx.stdout.write(`${'service'.padEnd(16)}${'metric'.padEnd(32)}${'model'.padEnd(16)}${'folds'.padStart(6)}${'sMAPE'.padStart(10)}${'MAPE'.padStart(10)}${'coverage'.padStart(10)}\n`);
      for (const s of result.series) {
        const model = `${s.folds[s.folds.length - 1].model}/${s.folds[s.folds.length - 1].seasonLength}`;
        ctx.stdout.write(`${s.service.padEnd(16)}${s.metric.padEnd(32)}${model.padEnd(16)}${String(s.folds.length).padStart(6)}${pct(s.smape).padStart(10)}${pct(s.mape).padStart(10)}${pct(s.coverage).padStart(10)}\n`);
      }
      for (const s of result.skipped) ctx.stdout.write(`${s.service.padEnd(16)}${s.metric.padEnd(32)}skipped: ${s.reason}\n`);
      ctx.stdout.write(`\n${result.series.length} series, mean sMAPE ${pct(result.smape)}, mean MAPE ${pct(result.mape)}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
