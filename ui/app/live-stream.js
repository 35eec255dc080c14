/**
 * The live anomaly stream (Server-Sent Events), shared by every view that shows it.
 * Events are coalesced per anomaly id and handed to listeners at most once per
 * animation frame, so a burst of 1,000 events/s costs one render per frame and the
 * pending set is bounded by the number of distinct anomalies, not by the event rate
 * (a hidden tab, where frames stop, cannot build a backlog).
 */
const listeners = new Set();
const incidentListeners = new Set();
const statusListeners = new Set();
let pending = new Map();
let frameRequested = false;
let source;
let status = 'idle';

/** Counters for the status bar and for measuring the page under load. */
export const streamStats = { received: 0, frames: 0, maxBatch: 0, lastFlushMs: 0 };

export function subscribe(onBatch) {
  listeners.add(onBatch);
  open();
  return () => {
    listeners.delete(onBatch);
    closeWhenUnused();
  };
}

/**
 * Incident transitions (`event: incident`: the incident plus `transition`), handed over
 * as they come: there are a handful per incident, not a flood.
 */
export function subscribeIncidents(onIncident) {
  incidentListeners.add(onIncident);
  open();
  return () => {
    incidentListeners.delete(onIncident);
    closeWhenUnused();
  };
}

function closeWhenUnused() {
  if (listeners.size === 0 && incidentListeners.size === 0) close();
}

export function onStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

/** Takes one anomaly event (what the server sends as `event: anomaly`). */
export function deliver(event) {
  streamStats.received++;
  pending.delete(event.id); // re-inserted last: the batch keeps arrival order
  pending.set(event.id, event);
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(flush);
  }
}

function flush() {
  frameRequested = false;
  const batch = [...pending.values()];
  pending = new Map();
  const started = performance.now();
  streamStats.frames++;
  streamStats.maxBatch = Math.max(streamStats.maxBatch, batch.length);
  for (const listener of listeners) listener(batch);
  streamStats.lastFlushMs = performance.now() - started;
}

function setStatus(next) {
  status = next;
  for (const l of statusListeners) l(next);
}

function open() {
  if (source) return;
  setStatus('connecting');
  source = new EventSource('/api/v1/anomalies/stream');
  source.addEventListener('open', () => setStatus('live'));
  source.addEventListener('error', () => setStatus(source?.readyState === EventSource.CLOSED ? 'down' : 'reconnecting'));
  source.addEventListener('anomaly', (e) => {
    try {
      deliver(JSON.parse(e.data));
    } catch {
      // a malformed frame is dropped; the stream goes on
    }
  });
  source.addEventListener('incident', (e) => {
    let incident;
    try {
      incident = JSON.parse(e.data);
    } catch {
      return; // a malformed frame is dropped; the stream goes on
    }
    for (const l of incidentListeners) l(incident);
  });
}

function close() {
  source?.close();
  source = undefined;
  setStatus('idle');
}
