import { queries, type Store } from '../analytics/index.js';
import { backtestScores, IForestStream, parseIForestModel, type DetectedAnomaly, type DetectorScore } from '../detectors/offline/index.js';
import { backfill, type CoreOptions } from '../detectors/runner/index.js';
import type { FlatConfig } from './config/schema.js';
import { detectorOptions } from './detection.js';

/**
 * `vigil backtest detectors`: every detector's anomalies over a range of history, scored
 * against the incidents of that range. The online detectors (vigil, zscore) are replayed
 * over the stored series (the backfill machinery, writing nothing) from `warmupMs` before
 * the range; iforest scores the range with the active model; new-pattern is judged on the
 * anomalies it stored (it runs at ingest, on raw log lines).
 */
export const BACKTEST_DETECTORS = ['vigil', 'zscore', 'iforest', 'new-pattern'] as const;
export type BacktestDetector = (typeof BACKTEST_DETECTORS)[number];

export interface BacktestRequest {
  sinceMs: number;
  untilMs: number;
  detectors: readonly BacktestDetector[];
  warmupMs: number;
  slackMs: number;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface BacktestReport {
  sinceMs: number;
  untilMs: number;
  incidents: number;
  scores: DetectorScore[];
  /** Detectors that could not run, and why (e.g. no iforest model trained). */
  notes: string[];
}

export async function backtestDetectors(store: Store, config: FlatConfig, request: BacktestRequest): Promise<BacktestReport> {
  const range = { sinceMs: request.sinceMs, untilMs: request.untilMs };
  const anomalies: DetectedAnomaly[] = [];
  const notes: string[] = [];
  const inRange = (a: { startMs: number; endMs: number }) => a.endMs >= range.sinceMs && a.startMs < range.untilMs;
  for (const detector of request.detectors) {
    const found = await detectorAnomalies(store, config, detector, request, notes);
    anomalies.push(...found.filter(inRange));
  }
  const incidents = (await queries.incidentWindows(store, range)).map((i) => ({ id: i.id, services: i.services, startMs: i.startMs, endMs: i.resolvedMs > 0 ? i.resolvedMs : range.untilMs }));
  return { ...range, incidents: incidents.length, scores: backtestScores(request.detectors, anomalies, incidents, request.slackMs), notes };
}

async function detectorAnomalies(store: Store, config: FlatConfig, detector: BacktestDetector, request: BacktestRequest, notes: string[]): Promise<DetectedAnomaly[]> {
  if (detector === 'vigil' || detector === 'zscore') {
    const { lagMs, ...core } = detectorOptions(config);
    const latest = new Map<string, queries.AnomalyRecord>();
    await backfill(store, {
      core: { ...core, detector } as CoreOptions,
      lagMs,
      sinceMs: request.sinceMs - request.warmupMs,
      untilMs: request.untilMs,
      write: false,
      onAnomalies: (batch) => batch.forEach((a) => latest.set(a.id, a)),
      onWindow: (done, total) => request.onProgress?.(detector, done, total),
    });
    return [...latest.values()].map((a) => ({ detector, service: a.service, startMs: a.startMs, endMs: a.endMs }));
  }
  if (detector === 'iforest') {
    const record = await queries.activeDetectorModel(store, config['offline.iforest.model']);
    const dataset = record && queries.findDataset(record.dataset);
    if (!record || !dataset) {
      notes.push(`iforest: no model named ${config['offline.iforest.model']} (train one with vigil train iforest)`);
      return [];
    }
    const stream = new IForestStream(parseIForestModel(record.model), { threshold: config['offline.iforest.threshold'], quietPoints: config['detect.quietPoints'], modelName: record.name });
    const rows = await queries.datasetFeatureRows(store, dataset, record.features, request);
    const latest = new Map<string, DetectedAnomaly>();
    for (const e of stream.process(rows).events) latest.set(e.anomaly.id, { detector, service: e.anomaly.service, startMs: e.anomaly.startMs, endMs: e.anomaly.endMs });
    request.onProgress?.(detector, 1, 1);
    return [...latest.values()];
  }
  const stored = await queries.searchAnomalies(store, { sinceMs: request.sinceMs, untilMs: request.untilMs, signal: 'log_pattern_new', limit: 1_000_000 });
  request.onProgress?.(detector, 1, 1);
  return stored.filter((a) => a.detector === 'new-pattern').map((a) => ({ detector, service: a.service, startMs: a.startMs, endMs: a.endMs }));
}

/** The report as a table: one row per detector. */
export function backtestTable(report: BacktestReport): string {
  const pct = (x: number) => (Number.isNaN(x) ? '-' : `${(x * 100).toFixed(1)}%`);
  const rows = [
    ['DETECTOR', 'ANOMALIES', 'TRUE POS', 'INCIDENTS', 'DETECTED', 'PRECISION', 'RECALL', 'F1'],
    ...report.scores.map((s) => [s.detector, String(s.anomalies), String(s.truePositives), String(s.incidents), String(s.detectedIncidents), pct(s.precision), pct(s.recall), pct(s.f1)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
