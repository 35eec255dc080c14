import { fileURLToPath } from 'node:url';
import path from 'node:path';
import protobuf from 'protobufjs';

/**
 * The OTLP message types, reflected once at module load from Vigil's own .proto
 * files beside this module (no code generation step, no network). protobufjs
 * compiles a decoder per type on first use, which is what the hot path runs.
 */
const PROTO_DIR = fileURLToPath(new URL('./proto/', import.meta.url));

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
root.loadSync(
  [
    'opentelemetry/proto/collector/logs/v1/logs_service.proto',
    'opentelemetry/proto/collector/trace/v1/trace_service.proto',
    'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
  ],
  { keepCase: false },
);
root.resolveAll();

const COLLECTOR = 'opentelemetry.proto.collector';

export const otlpTypes = {
  logsRequest: root.lookupType(`${COLLECTOR}.logs.v1.ExportLogsServiceRequest`),
  logsResponse: root.lookupType(`${COLLECTOR}.logs.v1.ExportLogsServiceResponse`),
  traceRequest: root.lookupType(`${COLLECTOR}.trace.v1.ExportTraceServiceRequest`),
  traceResponse: root.lookupType(`${COLLECTOR}.trace.v1.ExportTraceServiceResponse`),
  metricsRequest: root.lookupType(`${COLLECTOR}.metrics.v1.ExportMetricsServiceRequest`),
  metricsResponse: root.lookupType(`${COLLECTOR}.metrics.v1.ExportMetricsServiceResponse`),
};
