import type { FastifyInstance } from 'fastify';
import { queries, type Store } from '../../analytics/index.js';
import type { TrainOptions } from '../../detectors/offline/index.js';
import { DEFAULT_IFOREST_DATASET, DEFAULT_IFOREST_FEATURES, trainAndStoreIForest } from '../iforest-training.js';
import { parseRange } from '../time-range.js';

const tags = ['datasets'];

interface TrainBody {
  name?: string;
  dataset?: string;
  features?: string[];
  since?: string;
  until?: string;
  trees?: number;
  sampleSize?: number;
  minSamples?: number;
  contamination?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Offline detector models: the stored versions (analyst) and training an isolation forest in the running Vigil (sre). */
export async function modelRoutes(app: FastifyInstance, deps: { store: Store; defaults: { name: string; train: TrainOptions } }): Promise<void> {
  app.get('/api/v1/models', {
    config: {
      role: 'analyst',
      openapi: { tags, summary: 'Stored detector models, newest first (the newest of a name is active)', responses: { 200: '{ models: [{ name, kind, dataset, features, trainedSince, trainedUntil, samples, createdAt, services }] }' } },
    },
  }, async () => ({
    models: (await queries.listDetectorModels(deps.store)).map((m) => ({
      name: m.name, kind: m.kind, dataset: m.dataset, features: m.features, trainedSince: iso(m.trainedSinceMs), trainedUntil: iso(m.trainedUntilMs),
      samples: m.samples, createdAt: iso(m.createdMs), services: m.services,
    })),
  }));

  app.post<{ Body: TrainBody }>('/api/v1/models/iforest', {
    schema: {
      body: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200, description: 'Model name (default offline.iforest.model, the one the live detector scores with)' },
          dataset: { type: 'string', description: `Dataset to learn from (default ${DEFAULT_IFOREST_DATASET})` },
          features: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 64, description: `Numeric columns of the dataset (default ${DEFAULT_IFOREST_FEATURES.join(', ')})` },
          since: { type: 'string', description: 'Start of the training history (default now-7d)' },
          until: { type: 'string', description: 'End, exclusive (default now)' },
          trees: { type: 'integer', minimum: 1, maximum: 1000 },
          sampleSize: { type: 'integer', minimum: 2, maximum: 100000 },
          minSamples: { type: 'integer', minimum: 2 },
          contamination: { type: 'number', minimum: 0, maximum: 0.5 },
        },
      },
    },
    config: {
      role: 'sre',
      openapi: {
        tags,
        summary: 'Train an isolation forest per service on a dataset in this Vigil and make it the active model of its name',
        description: 'Runs in the server process (seconds for a week of minutes); the live iforest detector picks the model up at its next tick. Audited.',
        requestContentTypes: ['application/json'],
        responses: { 200: '{ name, samples, services: { service: minutes }, skipped, createdAt }', 400: 'API_BAD_REQUEST: unknown dataset or feature, or too little history' },
      },
    },
  }, async (request) => {
    const body = request.body ?? {};
    const { sinceNs, untilNs } = parseRange(body, 'now-7d');
    const result = await trainAndStoreIForest(deps.store, {
      name: body.name ?? deps.defaults.name,
      dataset: body.dataset ?? DEFAULT_IFOREST_DATASET,
      features: body.features ?? DEFAULT_IFOREST_FEATURES,
      sinceMs: Number(sinceNs / 1_000_000n),
      untilMs: Number(untilNs / 1_000_000n),
      options: {
        trees: body.trees ?? deps.defaults.train.trees,
        sampleSize: body.sampleSize ?? deps.defaults.train.sampleSize,
        minSamples: body.minSamples ?? deps.defaults.train.minSamples,
        contamination: body.contamination ?? deps.defaults.train.contamination,
      },
    });
    await request.audit({ action: 'model.train', target: result.name, detail: JSON.stringify({ kind: 'iforest', services: Object.keys(result.services).length, samples: result.samples }) });
    const { createdMs, ...rest } = result;
    return { ...rest, createdAt: iso(createdMs) };
  });
}
