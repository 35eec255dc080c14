import { queries, type Store } from '../analytics/index.js';
import { featureVector, trainIForest, type TrainOptions } from '../detectors/offline/index.js';
import type { FlatConfig } from './config/schema.js';
import { VigilError } from './errors.js';

/** The service feature vector: RED, log error rate and resource gauges. */
export const DEFAULT_IFOREST_DATASET = 'dataset_service_features_1m';
export const DEFAULT_IFOREST_FEATURES = ['Calls', 'ErrorRatio', 'P95Ms', 'LogErrorRatio', 'CpuUtilization', 'MemoryBytes'];

export interface IForestTrainingRequest {
  name: string;
  dataset: string;
  features: string[];
  sinceMs: number;
  untilMs: number;
  options: TrainOptions;
}

export interface IForestTrainingResult {
  name: string;
  samples: number;
  /** Services that got a forest, with their row counts. */
  services: Record<string, number>;
  /** Services left out for lack of history (fewer rows than minSamples). */
  skipped: string[];
  createdMs: number;
}

export function iforestTrainOptions(config: FlatConfig): TrainOptions {
  return {
    trees: config['offline.iforest.trees'],
    sampleSize: config['offline.iforest.sampleSize'],
    minSamples: config['offline.iforest.minSamples'],
    contamination: config['offline.iforest.contamination'],
  };
}

/**
 * Trains an isolation forest per service on a dataset's rows in a range and stores it in
 * detector_models as the newest (active) model of its name. The dataset must have a
 * ServiceName column; the features must be numeric columns of it.
 */
export async function trainAndStoreIForest(store: Store, request: IForestTrainingRequest, nowMs = Date.now()): Promise<IForestTrainingResult> {
  const dataset = queries.findDataset(request.dataset);
  if (!dataset) throw new VigilError('API_BAD_REQUEST', `dataset: no dataset ${request.dataset} (${queries.DATASETS.map((d) => d.name).join(', ')})`);
  if (!dataset.columns.some((c) => c.name === 'ServiceName')) throw new VigilError('API_BAD_REQUEST', `dataset: ${dataset.name} has no ServiceName column (models are per service)`);
  const numeric = queries.numericColumns(dataset);
  const unknown = request.features.filter((f) => !numeric.includes(f));
  if (request.features.length === 0 || unknown.length > 0) {
    throw new VigilError('API_BAD_REQUEST', `features: ${unknown.length > 0 ? `${unknown.join(', ')} not numeric columns of ${dataset.name}` : 'none given'}; choose from ${numeric.join(', ')}`);
  }
  const rows = await queries.datasetFeatureRows(store, dataset, request.features, request);
  const byService = new Map<string, number[][]>();
  for (const r of rows) (byService.get(r.service) ?? byService.set(r.service, []).get(r.service)!).push(featureVector(r.values));
  // One service at a time, yielding between them: training runs in the server process
  // (POST /api/v1/models/iforest) and must not hold ingest acknowledgements for long.
  const model = trainIForest(new Map(), request.features, request.options);
  for (const [service, vectors] of byService) {
    Object.assign(model.services, trainIForest(new Map([[service, vectors]]), request.features, request.options).services);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const services = Object.fromEntries(Object.entries(model.services).map(([s, f]) => [s, f.samples]));
  if (Object.keys(services).length === 0) {
    throw new VigilError('API_BAD_REQUEST', `no service has ${request.options.minSamples} rows of ${dataset.name} between ${new Date(request.sinceMs).toISOString()} and ${new Date(request.untilMs).toISOString()}; widen the range`);
  }
  await queries.saveDetectorModel(store, {
    name: request.name,
    kind: 'iforest',
    dataset: dataset.name,
    features: request.features,
    trainedSinceMs: request.sinceMs,
    trainedUntilMs: request.untilMs,
    samples: rows.length,
    model: JSON.stringify(model),
    createdMs: nowMs,
  });
  return { name: request.name, samples: rows.length, services, skipped: [...byService.keys()].filter((s) => !(s in services)), createdMs: nowMs };
}
