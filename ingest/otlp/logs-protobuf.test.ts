import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from '../decode/limits.js';
import type { LogRow } from '../rows.js';
import { referenceLogRows } from './logs.js';
import { readLogRows } from './logs-protobuf.js';
import { otlpTypes } from './schema.js';

const FALLBACK = '1767225600.000000000';

/** What the reference decoder makes of `body`: its rows, or the code of its error. */
function reference(body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): LogRow[] | string {
  try {
    return referenceLogRows(body, 'protobuf', limits, FALLBACK);
  } catch (err) {
    return (err as { code?: string }).code ?? 'THREW';
  }
}

/** The fast reader either gives up or returns exactly the reference rows (same keys, same order). */
function expectAgrees(body: Buffer, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): LogRow[] | undefined {
  const fast = readLogRows(body, limits, FALLBACK);
  if (fast !== undefined) {
    const ref = reference(body, limits);
    expect(ref).toEqual(fast);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(ref));
  }
  return fast;
}

function sdkRequest(): Buffer {
  const exporter = new InMemoryLogRecordExporter();
  const processors = [new SimpleLogRecordProcessor({ exporter })];
  for (const service of ['checkout', 'cart']) {
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': service, 'process.pid': 4242, 'host.arch': 'amd64' }), processors });
    const logger = provider.getLogger(`${service}-logger`, '2.3.4', { schemaUrl: 'https://opentelemetry.io/schemas/1.21.0' });
    const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: TraceFlags.SAMPLED });
    for (let i = 0; i < 50; i++) {
      logger.emit({
        timestamp: i % 7 === 0 ? undefined : [1_700_000_000 + i, 123_456_789],
        observedTimestamp: [1_700_000_001, 5],
        severityNumber: 1 + (i % 24),
        severityText: i % 3 ? 'INFO' : 'ÉRREUR 🚀',
        body: i % 5 === 0 ? i * 1.5 : i % 11 === 0 ? i % 2 === 0 : `payment ${i} declined "quoted"\ttab\n\u2028 \ufeffbom é ${'x'.repeat(i * 3)}`,
        attributes: { 'http.status_code': 402 + i, ratio: 0.25 * i, retry: i % 2 === 0, negative: -i * 1e12, 'order.id': `o-${i}`, big: 2 ** 53 + i },
        context: i % 4 ? context : undefined,
      });
    }
  }
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
}

const encode = (request: object) => Buffer.from(otlpTypes.logsRequest.encode(otlpTypes.logsRequest.fromObject(request)).finish());
const record = (extra: object = {}) => ({ timeUnixNano: '1700000000123456789', severityNumber: 9, severityText: 'INFO', body: { stringValue: 'hello' }, attributes: [{ key: 'k', value: { intValue: '-5' } }], ...extra });
const request = (records: object[], resource: object = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }) =>
  ({ resourceLogs: [{ resource, scopeLogs: [{ scope: { name: 'scope', version: '1' }, logRecords: records }] }] });

describe('readLogRows (the protobuf fast path)', () => {
  it('reads what the OpenTelemetry SDK sends exactly as the reference decoder does', () => {
    const rows = expectAgrees(sdkRequest());
    expect(rows).toHaveLength(100);
    expect(rows![1]).toMatchObject({ ServiceName: 'checkout', TraceId: '5b8efff798038103d269b633813fc60c', TraceFlags: 1, ScopeName: 'checkout-logger' });
  });

  it('agrees on the corners of the wire format', () => {
    const cases: object[] = [
      request([record({ attributes: [{ key: 'n', value: { intValue: '-9223372036854775808' } }, { key: 'u', value: { intValue: '18446744073' } }, { key: 'd', value: { doubleValue: -0 } }, { key: 'b', value: { boolValue: true } }, { key: 'e', value: {} }, { key: 'none' }] })]),
      request([record({ attributes: [{ key: 'dup', value: { stringValue: 'a' } }, { key: 'dup', value: { stringValue: 'b' } }, { key: '__proto__', value: { stringValue: 'p' } }] })]),
      request([record({ timeUnixNano: '0', observedTimeUnixNano: '1700000000000000001' }), record({ timeUnixNano: '0' }), record({ body: null, severityText: '' })]),
      request([record({ flags: 0x1ff, traceId: Buffer.alloc(16, 0xab), spanId: Buffer.alloc(8, 1), eventName: 'e' })]),
      request([record()], {}),
      { resourceLogs: [{ scopeLogs: [{ logRecords: [record()] }, { scope: {}, logRecords: [] }] }, {}] },
      { resourceLogs: [] },
    ];
    for (const c of cases) expect(expectAgrees(encode(c))).toBeDefined();
  });

  it('gives up (so the reference decoder decides) on what it does not handle', () => {
    const giveUp = (body: Buffer, limits?: DecodeLimits) => expect(readLogRows(body, limits ?? DEFAULT_DECODE_LIMITS, FALLBACK)).toBeUndefined();
    giveUp(encode(request([record({ body: { arrayValue: { values: [{ stringValue: 'a' }] } } })])));
    giveUp(encode(request([record({ body: { kvlistValue: { values: [] } } })])));
    giveUp(encode(request([record({ body: { bytesValue: Buffer.from([1]) } })])));
    giveUp(encode(request([record({ severityNumber: 25 })])));
    giveUp(encode(request([record({ traceId: Buffer.alloc(3) })])));
    giveUp(encode(request([record(), record()])), { ...DEFAULT_DECODE_LIMITS, maxItemsPerRequest: 1 });
    giveUp(encode(request([record()])), { ...DEFAULT_DECODE_LIMITS, maxAttributes: 0 });
    giveUp(encode(request([record({ severityText: 'x'.repeat(20) })])), { ...DEFAULT_DECODE_LIMITS, maxStringBytes: 10 });
    giveUp(encode(request([record({ body: { stringValue: 'x'.repeat(20) } })])), { ...DEFAULT_DECODE_LIMITS, maxBodyStringBytes: 10 });
    const invalidUtf8 = encode(request([record({ severityText: 'INFO' })]));
    invalidUtf8[invalidUtf8.indexOf('INFO')] = 0xc3;
    giveUp(invalidUtf8);
    expect(reference(invalidUtf8)).toBe('INGEST_MALFORMED_PROTOBUF');
    giveUp(Buffer.from([0x0a, 0x05, 0x12]));
  });

  it('never returns rows the reference decoder would not (random damage to a real request)', () => {
    const base = sdkRequest();
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let read = 0;
    for (let i = 0; i < 300; i++) {
      const body = Buffer.from(base.subarray(0, base.length - random(8)));
      for (let k = 0; k < 1 + random(3); k++) body[random(body.length)] = random(256);
      if (expectAgrees(body) !== undefined) read++;
    }
    expect(read).toBeGreaterThan(0);
  });
});
