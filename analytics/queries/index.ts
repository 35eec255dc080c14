export * from './telemetry.js';
export * from './patterns.js';
export * from './anomalies.js';
export * from './notifications.js';
export * from './incidents.js';
export * from './service-map.js';
export * from './trace-compare.js';
