export { decodeCloudEvents, type HttpHeaders } from './cloudevents.js';
export { practiceOf } from './practice.js';
export { EVENT_TYPES, eventTypeOf, versionedType, type EventType, type JsonSchema } from './types/index.js';
