import { h } from './dom.js';

/** What a newcomer needs when there is nothing to show: how to send data to this Vigil. */
export function sendDataHelp(title = 'No data yet') {
  const origin = location.origin;
  const now = `${Date.now()}000000`;
  const curlLog = `curl -s ${origin}/v1/logs -H 'Content-Type: application/json' -d '{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"demo"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"${now}","severityText":"INFO","body":{"stringValue":"hello vigil"}}]}]}]}'`;
  return h('div', { class: 'panel empty' },
    h('h2', { text: title }),
    h('p', {}, 'Vigil listens for OTLP/HTTP, Prometheus remote write and CloudEvents on this address. Point an OpenTelemetry SDK at it:'),
    h('pre', { text: `export OTEL_EXPORTER_OTLP_ENDPOINT=${origin}\nexport OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf` }),
    h('p', {}, 'or send a log line with curl:'),
    h('pre', { text: curlLog }),
    h('p', {}, 'Prometheus: ', h('code', { text: `remote_write: [{ url: ${origin}/api/v1/write }]` }), '. Services appear here as soon as their data is committed; anomalies need a few minutes of history per series.'),
  );
}
