export { decodeCloudEvents, type HttpHeaders } from './cloudevents.js';
export { practiceOf } from './practice.js';
