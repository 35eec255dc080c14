import { describe, expect, it } from 'vitest';
import { IncidentEngine } from './engine.js';
import { ENGINE_DEFAULTS, type EngineInput, type EngineOutput } from './model.js';
import { anomaly, closed, MIN, opened, SHOP, T0, tick } from './test-fixtures.js';

function engine(options = {}) {
  const e = new IncidentEngine({ ...ENGINE_DEFAULTS, ...options });
  e.apply({ kind: 'topology', edges: SHOP, atMs: 0 });
  return e;
}

function run(e: IncidentEngine, inputs: EngineInput[]): EngineOutput {
  const all: EngineOutput = { messages: [], timeline: [] };
  for (const input of inputs) {
    const out = e.apply(input);
    all.messages.push(...out.messages);
    all.timeline.push(...out.timeline);
    if (out.action) all.action = out.action;
  }
  return all;
}

const transitions = (out: EngineOutput) => out.messages.map((m) => `${m.transition}@${m.incident.version}`);

describe('incident engine: grouping', () => {
  it('groups anomalies of services connected on the call graph into one incident, leaf first', () => {
    const e = engine();
    const out = run(e, [
      opened(anomaly('payments', 'span_errors', T0, 0.95)),
      opened(anomaly('checkout', 'span_errors', T0, 0.9)),
      opened(anomaly('frontend', 'span_errors', T0 + MIN, 0.9)),
      tick(T0 + 2 * MIN),
    ]);
    expect(transitions(out)).toEqual(['opened@1']);
    const inc = out.messages[0].incident;
    expect(inc.rootService).toBe('payments');
    expect(inc.services).toEqual(['payments', 'checkout', 'frontend']);
    expect(inc.title).toBe('Errors in payments, affecting checkout, frontend');
    expect(inc.severity).toBe('critical');
    expect(inc.anomalyIds).toHaveLength(3);
    expect(inc.status).toBe('open');
    expect(inc.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(out.timeline.map((t) => t.kind)).toEqual(['anomaly-joined', 'anomaly-joined', 'anomaly-joined', 'opened', 'suspects-ranked']);
  });

  it('keeps unconnected services, and anomalies far apart in time, in separate incidents', () => {
    const e = engine();
    const first = anomaly('payments', 'span_errors', T0);
    const out = run(e, [
      opened(first),
      opened(anomaly('search', 'span_latency', T0)),
      tick(T0 + MIN),
      closed(first, T0),
      opened(anomaly('payments', 'span_latency', T0 + 40 * MIN)),
      tick(T0 + 41 * MIN),
    ]);
    const ids = new Set(out.messages.filter((m) => m.transition === 'opened').map((m) => m.incident.id));
    expect(ids.size).toBe(3);
    expect(out.messages.filter((m) => m.transition === 'opened').map((m) => m.incident.rootService)).toEqual(['payments', 'search', 'payments']);
  });

  it('merges incidents still settling once the call graph that relates them arrives: one page', () => {
    const e = new IncidentEngine(ENGINE_DEFAULTS); // no call graph yet
    run(e, [opened(anomaly('payments', 'span_errors', T0)), opened(anomaly('checkout', 'span_errors', T0)), opened(anomaly('frontend', 'span_errors', T0))]);
    const out = run(e, [{ kind: 'topology', edges: SHOP, atMs: 0 }, tick(T0 + MIN)]);
    expect(transitions(out)).toEqual(['opened@1']);
    expect(out.messages[0].incident).toMatchObject({ rootService: 'payments', services: ['payments', 'checkout', 'frontend'] });
    expect(out.timeline.filter((t) => t.kind === 'anomaly-joined')).toHaveLength(3);
  });

  it('a settling incident the call graph connects to an open one joins it as an update', () => {
    const e = new IncidentEngine(ENGINE_DEFAULTS);
    run(e, [{ kind: 'topology', edges: SHOP.filter((x) => x.caller !== 'frontend'), atMs: 0 }, opened(anomaly('api', 'span_errors', T0)), tick(T0 + MIN)]);
    run(e, [opened(anomaly('frontend', 'span_errors', T0 + MIN))]);
    const out = run(e, [{ kind: 'topology', edges: SHOP, atMs: 0 }, tick(T0 + 2 * MIN)]);
    expect(transitions(out)).toEqual(['updated@2']);
    expect(out.messages[0].incident.services).toEqual(['api', 'frontend']);
  });

  it('treats services farther apart than maxHops as unrelated', () => {
    const out = run(engine({ maxHops: 1 }), [opened(anomaly('payments', 'span_errors', T0)), opened(anomaly('frontend', 'span_errors', T0)), tick(T0 + MIN)]);
    expect(out.messages.filter((m) => m.transition === 'opened')).toHaveLength(2);
    const two = run(engine({ maxHops: 3 }), [opened(anomaly('payments', 'span_errors', T0)), opened(anomaly('frontend', 'span_errors', T0)), tick(T0 + MIN)]);
    expect(two.messages.filter((m) => m.transition === 'opened')).toHaveLength(1);
  });
});

describe('incident engine: settle and minimum evidence', () => {
  it('opens only once event time is settleMs past the first anomaly; what joins meanwhile is in the first page', () => {
    const e = engine({ settleMs: 15_000 });
    expect(transitions(run(e, [opened(anomaly('payments', 'span_errors', T0)), tick(T0 + 10_000)]))).toEqual([]);
    expect(transitions(run(e, [opened(anomaly('checkout', 'span_errors', T0)), tick(T0 + 14_999)]))).toEqual([]);
    const out = run(e, [tick(T0 + 15_000)]);
    expect(transitions(out)).toEqual(['opened@1']);
    expect(out.messages[0].incident.services).toEqual(['payments', 'checkout']);
    const later = run(e, [opened(anomaly('api', 'span_errors', T0 + MIN))]);
    expect(transitions(later)).toEqual(['updated@2']);
    expect(later.messages[0].incident.services).toContain('api');
  });

  it('settles from the event time the anomaly arrived at, not its minute start (a late-scored minute still gets the settle period)', () => {
    const e = engine({ settleMs: 15_000 });
    expect(transitions(run(e, [tick(T0 + 50_000), opened(anomaly('payments', 'span_errors', T0))]))).toEqual([]);
    expect(transitions(run(e, [tick(T0 + 65_000)]))).toEqual(['opened@1']);
  });

  it('a low-value anomaly alone opens nothing, but joins an incident', () => {
    const e = engine();
    const weak = [
      anomaly('payments', 'log_rate', T0, 0.9, { name: 'INFO', expected: 100, actual: 180 }),
      anomaly('payments', 'span_errors', T0, 0.4),
      anomaly('payments', 'log_pattern', T0, 0.95),
      anomaly('payments', 'log_pattern_correlated', T0, 0.95),
      anomaly('payments', 'span_rate', T0, 0.95, { expected: 12, actual: 13 }), // a little more load
      anomaly('payments', 'span_rate', T0, 0.95, { expected: 12, actual: 9 }), // a little less
    ];
    expect(transitions(run(e, [...weak.map((a) => opened(a)), tick(T0 + 5 * MIN)]))).toEqual([]);
    const out = run(e, [opened(anomaly('checkout', 'span_errors', T0 + 5 * MIN)), opened(anomaly('checkout', 'log_rate', T0 + 5 * MIN, 0.3, { name: 'INFO' })), tick(T0 + 6 * MIN)]);
    expect(transitions(out)).toEqual(['opened@1']);
    expect(out.messages[0].incident.anomalyIds).toHaveLength(2);
    const drop = run(engine(), [opened(anomaly('search', 'span_rate', T0, 0.9, { expected: 12, actual: 0 })), tick(T0 + MIN)]);
    expect(transitions(drop)).toEqual(['opened@1']); // traffic that stops is lost service
    const flood = run(engine(), [opened(anomaly('search', 'log_rate', T0, 0.75, { name: 'INFO', expected: 100, actual: 2000 })), tick(T0 + MIN)]);
    expect(transitions(flood)).toEqual(['opened@1']); // a log flood
    // The minute a service fell silent in, as it stands: half of it came before the silence.
    const silent = run(engine(), [opened(anomaly('search', 'span_rate', T0, 0.75, { expected: 37, actual: 18, detector: 'vigil-silence' })), tick(T0 + MIN)]);
    expect(transitions(silent)).toEqual(['opened@1']);
    const busier = run(engine(), [opened(anomaly('search', 'span_rate', T0, 0.75, { expected: 37, actual: 60, detector: 'vigil-silence' })), tick(T0 + MIN)]);
    expect(transitions(busier)).toEqual([]); // silence never explains more
  });
});

describe('incident engine: lifecycle', () => {
  it('resolves itself after quietMs of event time with every anomaly closed, and not before', () => {
    const e = engine({ quietMs: 5 * MIN });
    const a = anomaly('payments', 'span_errors', T0);
    run(e, [opened(a), tick(T0 + MIN)]);
    expect(transitions(run(e, [closed(a, T0 + 2 * MIN), tick(T0 + 7 * MIN)]))).toEqual([]); // quiet since T0+3m (end of the last bad minute)
    const out = run(e, [tick(T0 + 8 * MIN)]);
    expect(transitions(out)).toEqual(['resolved@2']);
    expect(out.messages[0].incident).toMatchObject({ status: 'resolved', resolvedBy: 'vigil', resolvedMs: T0 + 8 * MIN });
  });

  it('stays open while an anomaly is open, however long', () => {
    const e = engine();
    run(e, [opened(anomaly('payments', 'span_errors', T0)), tick(T0 + MIN)]);
    expect(transitions(run(e, [tick(T0 + 120 * MIN)]))).toEqual([]);
  });

  it('reopens the same incident on a related anomaly within the reopen window (flap suppression), opens a new one after it', () => {
    const e = engine({ quietMs: 5 * MIN, reopenWindowMs: 30 * MIN });
    const a = anomaly('payments', 'span_errors', T0);
    const first = run(e, [opened(a), tick(T0 + MIN), closed(a, T0), tick(T0 + 6 * MIN)]);
    expect(transitions(first)).toEqual(['opened@1', 'resolved@2']);
    const inc = first.messages[0].incident;
    const again = run(e, [opened(anomaly('checkout', 'span_errors', T0 + 20 * MIN)), tick(T0 + 21 * MIN)]);
    expect(transitions(again)).toEqual(['reopened@3']);
    expect(again.messages[0].incident).toMatchObject({ id: inc.id, fingerprint: inc.fingerprint, status: 'open' });
    expect(again.messages[0].incident.resolvedMs).toBeUndefined();
    expect(again.timeline.map((t) => t.kind)).toContain('reopened');

    expect(again.messages[0].incident.rootService).toBe('checkout'); // ranked on the new episode, payments is history
    expect(again.messages[0].incident.services).toEqual(['checkout']);
    expect(again.messages[0].incident.anomalyIds).toHaveLength(2);
    const b = anomaly('checkout', 'span_errors', T0 + 20 * MIN);
    run(e, [closed(again.messages[0].incident.anomalyIds.map((id) => ({ ...b, id })).find((x) => x.id !== a.id)!, T0 + 20 * MIN), tick(T0 + 30 * MIN)]);
    expect(e.get(inc.id)?.status).toBe('resolved');
    const late = run(e, [tick(T0 + 70 * MIN), opened(anomaly('payments', 'span_errors', T0 + 70 * MIN)), tick(T0 + 71 * MIN)]);
    expect(late.messages.map((m) => m.transition)).toEqual(['opened']);
    expect(late.messages[0].incident.id).not.toBe(inc.id);
  });

  it('an anomaly too weak to open an incident does not reopen a resolved one (a reopen pages again)', () => {
    const e = engine({ quietMs: 5 * MIN, reopenWindowMs: 30 * MIN, minScore: 0.6 });
    const a = anomaly('payments', 'span_errors', T0);
    const first = run(e, [opened(a), tick(T0 + MIN), closed(a, T0), tick(T0 + 6 * MIN)]);
    expect(transitions(first)).toEqual(['opened@1', 'resolved@2']);
    const weak = run(e, [opened(anomaly('checkout', 'metric', T0 + 15 * MIN, 0.51, { name: 'http.server.request.duration', stat: 'p95' })), tick(T0 + 16 * MIN)]);
    expect(transitions(weak)).toEqual([]);
    expect(e.get(first.messages[0].incident.id)?.status).toBe('resolved');
    const strong = run(e, [opened(anomaly('checkout', 'span_errors', T0 + 20 * MIN, 0.9)), tick(T0 + 21 * MIN)]);
    expect(transitions(strong)).toEqual(['reopened@3']);
  });

  it('ack and resolve by a user: one transition each, versions count up, bad transitions refused', () => {
    const e = engine();
    const opening = run(e, [opened(anomaly('payments', 'span_errors', T0)), tick(T0 + MIN)]);
    const id = opening.messages[0].incident.id;
    const ack = e.apply({ kind: 'ack', incidentId: id, by: 'alice', atMs: 1 });
    expect(transitions(ack)).toEqual(['acknowledged@2']);
    expect(ack.action).toMatchObject({ incident: { status: 'acknowledged', acknowledgedBy: 'alice', acknowledgedMs: T0 + MIN } });
    expect(transitions(e.apply({ kind: 'ack', incidentId: id, by: 'bob', atMs: 2 }))).toEqual([]);
    const joined = run(e, [opened(anomaly('checkout', 'span_errors', T0 + MIN))]);
    expect(transitions(joined)).toEqual(['updated@3']);
    expect(joined.messages[0].incident.status).toBe('acknowledged');
    const resolve = e.apply({ kind: 'resolve', incidentId: id, by: 'alice', atMs: 3 });
    expect(transitions(resolve)).toEqual(['resolved@4']);
    expect(resolve.action).toMatchObject({ incident: { status: 'resolved', resolvedBy: 'alice' } });
    expect(transitions(e.apply({ kind: 'resolve', incidentId: id, by: 'alice', atMs: 4 }))).toEqual([]);
    expect(e.apply({ kind: 'ack', incidentId: id, by: 'alice', atMs: 5 }).action).toMatchObject({ error: 'invalid-transition' });
    expect(e.apply({ kind: 'ack', incidentId: 'nope', by: 'alice', atMs: 5 }).action).toMatchObject({ error: 'not-found' });
    expect(run(e, [tick(T0 + 200 * MIN)]).messages).toEqual([]); // a user-resolved incident does not resolve again
  });

  it('severity escalates with the evidence and never de-escalates while the incident lives', () => {
    const e = engine();
    const a = anomaly('payments', 'span_latency', T0, 0.7);
    const first = run(e, [opened(a), tick(T0 + MIN)]);
    expect(first.messages[0].incident.severity).toBe('warning');
    const b = anomaly('checkout', 'span_errors', T0, 0.95);
    expect(run(e, [opened(b)]).messages[0].incident.severity).toBe('error');
    const revised = run(e, [{ kind: 'anomaly', type: 'update', anomaly: { ...b, peakScore: 0.6 }, atMs: 0 }]);
    expect(revised.messages).toEqual([]);
    expect(e.get(first.messages[0].incident.id)?.severity).toBe('error');
  });

  it('redelivered anomaly events cause no duplicate transitions', () => {
    const e = engine();
    const a = anomaly('payments', 'span_errors', T0);
    const b = anomaly('checkout', 'span_errors', T0);
    const out = run(e, [opened(a), opened(a), tick(T0 + MIN), opened(a), opened(b), opened(b), { kind: 'anomaly', type: 'update', anomaly: b, atMs: 0 }, opened(a)]);
    expect(transitions(out)).toEqual(['opened@1', 'updated@2']);
    expect(out.timeline.filter((t) => t.kind === 'anomaly-joined')).toHaveLength(2);
    const versions = out.messages.map((m) => `${m.incident.id}/${m.incident.version}`);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('continues incidents from a snapshot after a restart', () => {
    const e = engine();
    const a = anomaly('payments', 'span_errors', T0);
    const out = run(e, [opened(a), tick(T0 + MIN)]);
    const id = out.messages[0].incident.id;
    const restarted = engine();
    restarted.restore([e.snapshot(id)!]);
    expect(transitions(run(restarted, [opened(a)]))).toEqual([]); // a redelivered member
    expect(transitions(run(restarted, [opened(anomaly('checkout', 'span_errors', T0 + MIN)), tick(T0 + 2 * MIN)]))).toEqual(['updated@2']);
    expect(transitions(run(restarted, [closed(a, T0)]))).toEqual([]);
  });
});
