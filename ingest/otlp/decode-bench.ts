/**
 * Decode throughput of one 1000-record OTLP logs request, as the OpenTelemetry
 * JS SDK serialises it (5 attributes and a ~60-byte body per record), in both
 * encodings. Prints figures; asserts nothing. Run: `npx tsx ingest/otlp/decode-bench.ts`.
 */
import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { DEFAULT_DECODE_LIMITS } from '../decode/limits.js';
import { decodeLogs, referenceLogRows } from './logs.js';
import type { OtlpFormat } from './request.js';
import { otlpTypes } from './schema.js';

const RECORDS = 1000;

function sdkRequest(): { protobuf: Buffer; json: Buffer } {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'host.name': 'web-1', 'k8s.pod.name': 'checkout-7d9f' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('bench', '1.0.0');
  for (let i = 0; i < RECORDS; i++) {
    logger.emit({
      severityNumber: 9,
      severityText: 'INFO',
      body: `GET /api/orders/${i} completed in ${i % 97} ms status=200 user=u${i % 13}`,
      attributes: { 'http.method': 'GET', 'http.status_code': 200, 'http.route': '/api/orders/:id', 'user.id': `u${i % 13}`, duration_ms: i * 1.5 },
    });
  }
  const records = exporter.getFinishedLogRecords();
  return {
    protobuf: Buffer.from(ProtobufLogsSerializer.serializeRequest(records)!),
    json: Buffer.from(JsonLogsSerializer.serializeRequest(records)!),
  };
}

function measure(label: string, iterations: number, run: () => unknown): void {
  for (let i = 0; i < Math.min(200, iterations); i++) run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run();
  const nsPerRecord = Number(process.hrtime.bigint() - start) / iterations / RECORDS;
  console.log(`${label.padEnd(34)} ${Math.round(1e9 / nsPerRecord).toLocaleString('en-US').padStart(11)} records/s  ${nsPerRecord.toFixed(0).padStart(6)} ns/record`);
}

const bodies = sdkRequest();
console.log(`1000-record request: protobuf ${bodies.protobuf.length} bytes, JSON ${bodies.json.length} bytes`);
for (const format of ['protobuf', 'json'] as OtlpFormat[]) {
  measure(`decodeLogs (${format})`, format === 'protobuf' ? 2000 : 300, () => decodeLogs(bodies[format], format, DEFAULT_DECODE_LIMITS));
}
measure('reference decoder (protobufjs)', 2000, () => referenceLogRows(bodies.protobuf, 'protobuf', DEFAULT_DECODE_LIMITS, '0.000000000'));
measure('protobufjs Type.decode alone', 2000, () => otlpTypes.logsRequest.decode(bodies.protobuf));
