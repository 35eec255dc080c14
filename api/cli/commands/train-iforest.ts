import { rangeFlags } from '../flags.js';
import { UsageError, type Command } from '../command.js';
import { CONFIG_FLAGS, configFromFlags } from '../config-flags.js';
import { vigilClient } from '../vigil-client.js';

const flags = {
  ...CONFIG_FLAGS,
  dataset: { type: 'string' as const, value: 'NAME', description: 'Dataset to learn from (needs ServiceName and numeric feature columns)', default: 'dataset_service_features_1m' },
  features: { type: 'list' as const, value: 'COL,…', description: 'Numeric columns of the dataset (default Calls,ErrorRatio,P95Ms,LogErrorRatio,CpuUtilization,MemoryBytes)' },
  since: { type: 'string' as const, value: 'TIME', description: 'Start of the training history (RFC 3339, Unix epoch, now-7d …)', default: 'now-7d' },
  until: { type: 'string' as const, value: 'TIME', description: 'End, exclusive (same forms)', default: 'now' },
  name: { type: 'string' as const, value: 'NAME', description: 'Model name (default offline.iforest.model: the one the live detector scores with)', key: 'offline.iforest.model' as const },
  trees: { type: 'number' as const, value: 'N', description: 'Trees per service', key: 'offline.iforest.trees' as const },
  'sample-size': { type: 'number' as const, value: 'N', description: 'Rows each tree is grown on', key: 'offline.iforest.sampleSize' as const },
  'min-samples': { type: 'number' as const, value: 'N', description: 'Rows a service needs to get a forest', key: 'offline.iforest.minSamples' as const },
  contamination: { type: 'number' as const, value: 'X', description: 'Share of training rows assumed anomalous (sets each service\'s threshold quantile)', key: 'offline.iforest.contamination' as const },
  vigil: { type: 'string' as const, value: 'URL', description: 'Train inside this running Vigil (POST /api/v1/models/iforest, role sre) instead of opening the store' },
  token: { type: 'string' as const, value: 'TOKEN', description: 'API token with --vigil, when access control is on (better: VIGIL_TOKEN)' },
};

interface TrainAnswer {
  name: string;
  samples: number;
  services: Record<string, number>;
  skipped: string[];
}

function report(ctx: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }, result: TrainAnswer, features: string[], seconds: number, minSamples: number): void {
  const services = Object.entries(result.services);
  ctx.stdout.write(`model ${result.name}: ${services.length} services, ${result.samples} rows, features ${features.join(',')} (${seconds.toFixed(1)}s)\n`);
  for (const [service, rows] of services) ctx.stdout.write(`  ${service}: ${rows} minutes\n`);
  if (result.skipped.length > 0) ctx.stderr.write(`skipped (fewer than ${minSamples} minutes): ${result.skipped.join(', ')}\n`);
}

const command: Command = {
  path: ['train', 'iforest'],
  summary: 'Train an isolation forest per service on a dataset and store it as the active model',
  details: `Reads the dataset's rows in [--since, --until), one feature vector per service and minute
(missing values read as 0), grows an isolation forest per service (ml-isolation-forest) and
stores it in detector_models as the newest model of --name. A running Vigil scores closed
minutes with the newest model of offline.iforest.model (detector iforest, signal
service_features) from its next offline.iforest.intervalSeconds tick. With --vigil URL the
running Vigil trains it (no need to stop it); otherwise the store is opened directly, and with
the embedded store \`vigil start\` on the same data directory must be stopped first (one chDB
engine per directory).`,
  flags,
  async run(ctx) {
    const config = configFromFlags(ctx.flags, flags);
    const now = Date.now();
    const { sinceMs, untilMs } = rangeFlags(ctx.flags, now);
    const { DEFAULT_IFOREST_FEATURES, iforestTrainOptions, trainAndStoreIForest } = await import('../../iforest-training.js');
    const features = (ctx.flags.features as string[] | undefined) ?? DEFAULT_IFOREST_FEATURES;
    const options = iforestTrainOptions(config);
    const t0 = Date.now();
    if (ctx.flags.vigil !== undefined) {
      const result = await vigilClient(ctx.flags).request<TrainAnswer>('POST', '/api/v1/models/iforest', {
        name: config['offline.iforest.model'], dataset: String(ctx.flags.dataset), features, since: String(sinceMs), until: String(untilMs), ...options,
      });
      report(ctx, result, features, (Date.now() - t0) / 1000, options.minSamples);
      return 0;
    }
    const { migrate, openStore } = await import('../../../analytics/index.js');
    const { storeConfig } = await import('../../engine.js');
    const { VigilError } = await import('../../errors.js');
    const store = await openStore(storeConfig(config));
    try {
      await migrate(store, { ttlDays: config['store.ttlDays'] });
      const result = await trainAndStoreIForest(store, { name: config['offline.iforest.model'], dataset: String(ctx.flags.dataset), features, sinceMs, untilMs, options }).catch((err) => {
        throw err instanceof VigilError && err.code === 'API_BAD_REQUEST' ? new UsageError(err.message) : err;
      });
      report(ctx, result, features, (Date.now() - t0) / 1000, options.minSamples);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export default command;
