import type { Command } from './command.js';

/**
 * Every `vigil` command, loaded lazily so that `vigil --help` does not load the engine.
 * Adding a command is one entry here plus its file in ./commands/.
 */
export const commandLoaders: Array<() => Promise<Command>> = [
  () => import('./commands/start.js').then((m) => m.default),
  () => import('./commands/migrate.js').then((m) => m.default),
  () => import('./commands/schema-print.js').then((m) => m.default),
  () => import('./commands/detect-backfill.js').then((m) => m.default),
  () => import('./commands/backtest-change-risk.js').then((m) => m.default),
  () => import('./commands/backtest-capacity.js').then((m) => m.default),
  () => import('./commands/backtest-detectors.js').then((m) => m.default),
  () => import('./commands/dataset-list.js').then((m) => m.default),
  () => import('./commands/dataset-export.js').then((m) => m.default),
  () => import('./commands/train-iforest.js').then((m) => m.default),
  () => import('./commands/token-create.js').then((m) => m.default),
  () => import('./commands/token-list.js').then((m) => m.default),
  () => import('./commands/token-revoke.js').then((m) => m.default),
  () => import('./commands/bench-loghub.js').then((m) => m.default),
  () => import('./commands/bench-loghub-score.js').then((m) => m.default),
  () => import('./commands/bench-nab.js').then((m) => m.default),
  () => import('./commands/bench-nab-score.js').then((m) => m.default),
  () => import('./commands/workload-run.js').then((m) => m.default),
  () => import('./commands/drill-run.js').then((m) => m.default),
  () => import('./commands/drill-list.js').then((m) => m.default),
  () => import('./commands/drill-show.js').then((m) => m.default),
  () => import('./commands/drill-library.js').then((m) => m.default),
  () => import('./commands/drill-report.js').then((m) => m.default),
];
