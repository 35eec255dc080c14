import { describe, expect, it } from 'vitest';
import { VigilError } from '../../api/errors.js';
import { DEFAULT_DECODE_LIMITS } from '../decode/limits.js';
import { decodeCloudEvents } from './cloudevents.js';
import { EVENT_TYPES, eventTypeOf, validateEventData, versionedType } from './types/index.js';

const BATCH = { 'content-type': 'application/cloudevents-batch+json' };

function decodeBatch(events: object[]) {
  return decodeCloudEvents(Buffer.from(JSON.stringify(events)), BATCH, DEFAULT_DECODE_LIMITS, 1_800_000_000_000_000_000n).rows.events ?? [];
}

function rejection(events: object[]): VigilError {
  try {
    decodeBatch(events);
  } catch (err) {
    expect(err).toBeInstanceOf(VigilError);
    return err as VigilError;
  }
  throw new Error('expected a rejection');
}

const event = (type: string, data: unknown, extra: object = {}) => ({ specversion: '1.0', id: `id-${Math.random()}`, source: '/test', type, data, ...extra });

describe('documented event types', () => {
  it('every example matches its own schema and every type is found by its versioned name', () => {
    for (const t of EVENT_TYPES) {
      expect(eventTypeOf(versionedType(t)), t.type).toBe(t);
      expect(validateEventData(t, t.example), t.type).toBeNull();
    }
  });

  it('matches whatever the version suffix, and only documented prefixes', () => {
    expect(eventTypeOf('dev.cdevents.service.deployed.0.1.1')?.type).toBe('dev.cdevents.service.deployed');
    expect(eventTypeOf('dev.cdevents.service.deployed.0.3.0-draft')?.type).toBe('dev.cdevents.service.deployed');
    expect(eventTypeOf('io.vigil.security.finding.v2')?.type).toBe('io.vigil.security.finding');
    expect(eventTypeOf('dev.cdevents.service.deployedx.0.2.0')).toBeUndefined();
    expect(eventTypeOf('com.example.deployed')).toBeUndefined();
  });

  it('types the service from the extension, then the data, then the subject', () => {
    const deployed = EVENT_TYPES.find((t) => t.type === 'dev.cdevents.service.deployed')!;
    const cost = EVENT_TYPES.find((t) => t.type === 'io.vigil.finops.cost')!;
    const quality = EVENT_TYPES.find((t) => t.type === 'io.vigil.data.quality.check')!;
    const rows = decodeBatch([
      event('dev.cdevents.service.deployed.0.2.0', deployed.example, { service: 'from-extension', subject: 'from-subject' }),
      event('dev.cdevents.service.deployed.0.2.0', deployed.example, { subject: 'from-subject' }),
      event('io.vigil.finops.cost.v1', cost.example),
      event('io.vigil.data.quality.check.v1', { ...quality.example, service: undefined }, { subject: 'warehouse' }),
      event('com.example.unknown', { anything: [1, 2] }, { subject: 'kept' }),
    ]);
    expect(rows.map((r) => [r.ServiceName, r.Practice])).toEqual([
      ['from-extension', 'devops'],
      ['checkout', 'devops'],
      ['checkout', 'finops'],
      ['warehouse', 'dataops'],
      ['kept', 'other'],
    ]);
  });

  it.each<[string, object, RegExp]>([
    ['a deploy without environment', event('dev.cdevents.service.deployed.0.2.0', { subject: { id: 'a', content: { artifactId: 'x' } } }), /^\[1\]\.data\.subject\.content\.environment: required/],
    ['a deploy without data', event('dev.cdevents.service.deployed.0.2.0', undefined), /^\[1\]\.data: required/],
    ['a deploy with text data', event('dev.cdevents.service.deployed.0.2.0', 'checkout'), /^\[1\]\.data: expected an object, got string/],
    ['a change list with a number', event('dev.cdevents.service.deployed.0.2.0', { subject: { id: 'a', content: { artifactId: 'x', environment: { id: 'p' } } }, customData: { changes: ['PR-1', 7] } }), /\[1\]\.data\.customData\.changes\[1\]: expected a string/],
    ['an unknown severity', event('io.vigil.security.finding.v1', { findingId: 'f', title: 't', severity: 'severe' }), /\[1\]\.data\.severity: must be one of "critical", "high"/],
    ['a cost without currency', event('io.vigil.finops.cost.v1', { provider: 'aws', service: 'EC2', cost: 1 }), /\[1\]\.data\.currency: required/],
    ['a lower-case currency', event('io.vigil.finops.cost.v1', { provider: 'aws', service: 'EC2', cost: 1, currency: 'usd' }), /\[1\]\.data\.currency: must match/],
    ['a KPI value as text', event('io.vigil.biz.kpi.v1', { kpi: 'orders', value: '12' }), /\[1\]\.data\.value: expected a number, got string "12"/],
    ['a bad pipeline timestamp', event('io.vigil.data.pipeline.run.v1', { pipeline: 'p', runId: 'r', status: 'failed', startedAt: 'yesterday' }), /\[1\]\.data\.startedAt: expected an RFC 3339/],
  ])('rejects the whole batch for %s, naming the event and field', (_name, bad, message) => {
    const err = rejection([event('com.example.fine', {}), bad]);
    expect(err.code).toBe('INGEST_EVENT_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
  });

  it('reports an attribute error of a later event before a data error of an earlier one', () => {
    const err = rejection([event('dev.cdevents.service.deployed.0.2.0', undefined), { ...event('t', {}), specversion: '0.3' }]);
    expect(err.code).toBe('INGEST_INVALID_FIELD');
    expect(err.message).toMatch(/\[1\]\.specversion/);
  });
});
