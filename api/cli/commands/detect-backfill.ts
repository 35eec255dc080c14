import { rangeFlags } from '../flags.js';
import type { Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.js';
import { ProgressBar } from '../progress.js';

const flags = {
  ...CONFIG_FLAGS,
  since: { type: 'string' as const, value: 'TIME', description: 'Start of history (RFC 3339, Unix epoch, now-7d …)', required: true },
  until: { type: 'string' as const, value: 'TIME', description: 'End of history, exclusive (same forms)', required: true },
  series: { type: 'string' as const, value: 'PREFIX', description: 'Only series whose key starts with PREFIX (e.g. metric:checkout:)' },
};

const command: Command = {
  path: ['detect', 'backfill'],
  summary: 'Run the online detectors over stored history and write scores and anomalies',
  details: `Reads the store hour by hour in event-time order — metric points (gauges, sums, histograms) and
the per-minute log and span rollups — through the same series extraction, detectors and
hysteresis as live detection (detect.* configuration). Anomaly ids derive from series and start,
so re-running a range rewrites it. Live detector state is not touched. With the embedded store,
stop \`vigil start\` on the same data directory first (one chDB engine per directory).`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const { sinceMs, untilMs } = rangeFlags(ctx.flags);
    const { migrate, openStore } = await import('../../../analytics/index.js');
    const { backfill } = await import('../../../detectors/runner/index.js');
    const { storeConfig } = await import('../../engine.js');
    const { detectorOptions } = await import('../../detection.js');
    const { lagMs, ...core } = detectorOptions(config);
    const store = await openStore(storeConfig(config));
    try {
      await migrate(store, { ttlDays: config['store.ttlDays'] });
      let bar: ProgressBar | undefined;
      const result = await backfill(store, {
        core,
        lagMs,
        sinceMs,
        untilMs,
        seriesPrefix: ctx.flags.series as string | undefined,
        onWindow: (done, total) => {
          bar ??= new ProgressBar('detect backfill', total, ctx.stderr);
          bar.tick();
        },
      });
      bar?.finish();
      ctx.stdout.write(`${result.series} series, ${result.points} points scored, ${result.anomalies} anomalies (${new Date(sinceMs).toISOString()} .. ${new Date(untilMs).toISOString()})\n`);
      if (result.evictions > 0) {
        ctx.stderr.write(`warning: ${result.evictions} series states were evicted and relearned (more series than detect.maxSeries=${core.maxSeries}); raise it or narrow --series\n`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
