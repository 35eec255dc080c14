import { VigilError } from '../../api/errors.js';
import type { EventRow } from '../rows.js';
import { eventTypeOf, validateEventData } from './types/index.js';

/**
 * The validate stage for typed events: an event of a documented type must carry data
 * matching its JSON Schema (INGEST_EVENT_INVALID names the event and field otherwise),
 * and gets its practice and service from the type — the `service` extension first, then
 * where the type names it in the data, then the `subject` attribute. Unknown types pass
 * through unchanged.
 */
export function applyEventType(row: EventRow, where: string): EventRow {
  const eventType = eventTypeOf(row.Type);
  if (!eventType) return row;
  const data: unknown = row.Data === '' ? undefined : JSON.parse(row.Data);
  const violation = data === undefined ? { path: 'data', message: 'required' } : validateEventData(eventType, data);
  if (violation) {
    throw new VigilError('INGEST_EVENT_INVALID', `${where}.${violation.path}: ${violation.message} (type ${row.Type}; schemas at GET /api/v1/event-types)`);
  }
  const service = row.Extensions.service || eventType.serviceOf(data as Record<string, unknown>) || row.Subject;
  return { ...row, Practice: eventType.practice, ServiceName: service };
}
