import type { FastifyInstance } from 'fastify';
import type { IngestPipeline } from '../pipeline.js';
import { cloudEventsReceiver } from './cloudevents.js';
import type { IngestLimits } from './limits.js';
import { otlpReceivers } from './otlp.js';
import { remoteWriteReceiver } from './remote-write.js';

export type { IngestLimits } from './limits.js';

/** Registers every receiver, each in its own encapsulated context (raw-body parsing stays local). */
export async function registerReceivers(app: FastifyInstance, deps: { pipeline: IngestPipeline; limits: IngestLimits }): Promise<void> {
  await app.register(async (scope) => otlpReceivers(scope, deps));
  await app.register(async (scope) => remoteWriteReceiver(scope, deps));
  await app.register(async (scope) => cloudEventsReceiver(scope, deps));
}
