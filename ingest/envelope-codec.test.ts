import { describe, expect, it } from 'vitest';
import { envelopeCodec } from './envelope-codec.js';
import { encodeEnvelope } from './pipeline.js';

const logRow = (body: string) => ({
  Timestamp: '1767225600.000000001', TraceId: '', SpanId: '', TraceFlags: 0, SeverityText: 'INFO', SeverityNumber: 9, ServiceName: 's', Body: body,
  ResourceSchemaUrl: '', ResourceAttributes: {}, ScopeSchemaUrl: '', ScopeName: '', ScopeVersion: '', ScopeAttributes: {}, LogAttributes: {},
});

describe('envelopeCodec', () => {
  it('carries each table\'s encoded rows and format unchanged, without the row objects', () => {
    const envelope = encodeEnvelope({
      otel_logs: [logRow('a\nb'), logRow('c')],
      events: [{ Id: 'e1' } as never],
    });
    const decoded = envelopeCodec.decode(envelopeCodec.encode(envelope));
    expect(decoded.rows).toBeUndefined();
    expect(Object.keys(decoded.tables)).toEqual(['otel_logs', 'events']);
    expect(decoded.tables.otel_logs).toEqual(envelope.tables.otel_logs);
    expect(decoded.tables.otel_logs!.format).toBe('JSONCompactEachRow');
    expect(decoded.tables.events).toEqual({ count: 1, format: 'JSONEachRow', body: Buffer.from('{"Id":"e1"}') });
  });

  it('still reads VGE1 envelopes (no format byte: JSONEachRow) written by an older gateway', () => {
    const body = Buffer.from('{"Id":"e1"}\n{"Id":"e2"}');
    const v1 = Buffer.concat([Buffer.from('VGE1'), Buffer.from([1, 7, 0, 0, 0, 2]), Buffer.alloc(4), body]);
    v1.writeUInt32BE(body.length, 10);
    expect(envelopeCodec.decode(v1).tables).toEqual({ events: { count: 2, format: 'JSONEachRow', body } });
  });

  it('refuses what is not an envelope or is damaged', () => {
    const good = envelopeCodec.encode(encodeEnvelope({ otel_logs: [logRow('x')] }));
    expect(() => envelopeCodec.decode(Buffer.from('{"resourceLogs":[]}'))).toThrow(/bad magic/);
    expect(() => envelopeCodec.decode(good.subarray(0, good.length - 2))).toThrow(/truncated/);
    const wrongCount = Buffer.from(good);
    wrongCount.writeUInt32BE(2, 7);
    expect(() => envelopeCodec.decode(wrongCount)).toThrow(/row count/);
    const badTable = Buffer.from(good);
    badTable.writeUInt8(99, 5);
    expect(() => envelopeCodec.decode(badTable)).toThrow(/unknown table/);
    const badFormat = Buffer.from(good);
    badFormat.writeUInt8(9, 6);
    expect(() => envelopeCodec.decode(badFormat)).toThrow(/unknown row format/);
  });
});
