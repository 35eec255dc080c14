import type { FlatConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { RoleHandle } from './role.js';

export type { RoleHandle } from './role.js';

/** Starts one scale-out role (`all`, the embedded engine, is started by api/engine.ts). */
export async function startRole(config: FlatConfig, logger: Logger): Promise<RoleHandle> {
  switch (config.role) {
    case 'gateway':
      return (await import('./gateway.js')).startGateway(config, logger);
    case 'writer':
      return (await import('./writer.js')).startWriter(config, logger);
    case 'detector':
      return (await import('./detector.js')).startDetectorRole(config, logger);
    case 'api':
      return (await import('./api.js')).startApiRole(config, logger);
    case 'store':
      return (await import('./store.js')).startStoreRole(config, logger);
    default:
      throw new Error(`role ${config.role} is not a scale-out role`);
  }
}
