import type { FastifyInstance } from 'fastify';
import type { Store } from '../analytics/index.js';
import type { FlatConfig } from './config/schema.js';
import { capacitySettings, costSettings } from './finops/settings.js';
import type { IncidentCommandClient } from './incident-commands.js';
import type { IncidentRuntime } from './incidents.js';
import { anomalyRoutes } from './routes/anomalies.js';
import { capacityRoutes } from './routes/capacity.js';
import { costRoutes } from './routes/cost.js';
import { incidentRoutes } from './routes/incidents.js';
import { notificationRoutes } from './routes/notifications.js';
import { patternRoutes } from './routes/patterns.js';
import { serviceMapRoutes } from './routes/service-map.js';
import { telemetryRoutes } from './routes/telemetry.js';
import { xopsRoutes } from './routes/xops.js';
import type { SseHub } from './sse.js';
import { changeRiskSettings } from './xops/settings.js';

export interface ReadRouteDeps {
  store: Store;
  /** The live stream of anomalies and incident transitions. */
  hub: SseHub;
  /** The incident engine when it runs in this process (live incidents, ack/resolve); else the store's view only. */
  runtime: IncidentRuntime | undefined;
  /** Without the engine here (the api role): ack/resolve are sent to it as incident commands. */
  commands?: IncidentCommandClient;
  config: FlatConfig;
}

/**
 * The API over the store that every serving process has (the embedded engine and the `api`
 * role): telemetry, anomalies and their stream, patterns, notifications, incidents, the
 * service map, xOps, capacity and cost.
 */
export async function registerReadRoutes(app: FastifyInstance, deps: ReadRouteDeps): Promise<void> {
  const { store, hub, runtime, commands, config } = deps;
  await app.register(async (scope) => telemetryRoutes(scope, { store }));
  await app.register(async (scope) => anomalyRoutes(scope, { store, hub }));
  await app.register(async (scope) => patternRoutes(scope, { store }));
  await app.register(async (scope) => notificationRoutes(scope, { store }));
  await app.register(async (scope) => incidentRoutes(scope, { store, runtime, commands }));
  await app.register(async (scope) => serviceMapRoutes(scope, { store, runtime }));
  await app.register(async (scope) => xopsRoutes(scope, { store, settings: changeRiskSettings(config) }));
  await app.register(async (scope) => capacityRoutes(scope, { store, settings: capacitySettings(config) }));
  await app.register(async (scope) => costRoutes(scope, { store, runtime, settings: costSettings(config) }));
}
