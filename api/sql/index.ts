export { sqlRoutes, SQL_FORMATS } from './route.js';
import type { SandboxLimits } from '../../analytics/index.js';
import type { FlatConfig } from '../config/schema.js';

export function sandboxLimits(config: FlatConfig): SandboxLimits {
  return {
    maxExecutionSeconds: config['sql.maxExecutionSeconds'],
    maxResultRows: config['sql.maxResultRows'],
    maxResultBytes: config['sql.maxResultBytes'],
    maxMemoryBytes: config['sql.maxMemoryBytes'],
  };
}
