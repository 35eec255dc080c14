import { describe, expect, it } from 'vitest';
import { envelopeCodec } from './envelope-codec.js';
import { encodeEnvelope } from './pipeline.js';

describe('envelopeCodec', () => {
  it('carries each table\'s JSONEachRow bytes unchanged, without the row objects', () => {
    const envelope = encodeEnvelope({
      otel_logs: [{ Body: 'a\nb' } as never, { Body: 'c' } as never],
      events: [{ Id: 'e1' } as never],
    });
    const decoded = envelopeCodec.decode(envelopeCodec.encode(envelope));
    expect(decoded.rows).toBeUndefined();
    expect(Object.keys(decoded.tables)).toEqual(['otel_logs', 'events']);
    expect(decoded.tables.otel_logs).toEqual(envelope.tables.otel_logs);
    expect(decoded.tables.events!.jsonEachRow.toString()).toBe('{"Id":"e1"}');
  });

  it('refuses what is not an envelope or is damaged', () => {
    const good = envelopeCodec.encode(encodeEnvelope({ otel_logs: [{ Body: 'x' } as never] }));
    expect(() => envelopeCodec.decode(Buffer.from('{"resourceLogs":[]}'))).toThrow(/bad magic/);
    expect(() => envelopeCodec.decode(good.subarray(0, good.length - 2))).toThrow(/truncated/);
    const wrongCount = Buffer.from(good);
    wrongCount.writeUInt32BE(2, 6);
    expect(() => envelopeCodec.decode(wrongCount)).toThrow(/row count/);
    const badTable = Buffer.from(good);
    badTable.writeUInt8(99, 5);
    expect(() => envelopeCodec.decode(badTable)).toThrow(/unknown table/);
  });
});
