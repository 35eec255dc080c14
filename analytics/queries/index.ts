export * from './telemetry.js';
export * from './patterns.js';
export * from './anomalies.js';
export * from './notifications.js';
