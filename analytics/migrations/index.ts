import { telemetry } from './001-telemetry.js';
import { events } from './002-events.js';
import { rollups } from './003-rollups.js';
import { anomalies } from './004-anomalies.js';
import { logTemplates } from './005-log-templates.js';
import { incidents } from './006-incidents.js';
import { notifications } from './007-notifications.js';
import { xops } from './009-xops.js';
import { access } from './008-access.js';
import { drills } from './010-drills.js';
import { datasets } from './011-datasets.js';
import { silences } from './012-silences.js';
import type { Migration } from './types.js';

export type { Migration, SchemaOptions } from './types.js';

/** Every migration, in version order. Append only: never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [telemetry, events, rollups, anomalies, logTemplates, incidents, notifications, access, xops, drills, datasets, silences];
