/** OTLP/JSON log requests for tests: one service, lines at given event times. */
const SEVERITY_NUMBERS: Record<string, number> = { INFO: 9, WARN: 13, ERROR: 17 };

export interface TestLogLine {
  timeMs: number;
  body: string;
  severity: 'INFO' | 'WARN' | 'ERROR';
}

/** Sends the lines in one request and returns the HTTP status. Nanosecond offsets keep lines of one millisecond apart. */
export async function postLogs(baseUrl: string, service: string, lines: TestLogLine[]): Promise<number> {
  const logRecords = lines.map((l, i) => ({
    timeUnixNano: String(BigInt(l.timeMs) * 1_000_000n + BigInt(i)),
    severityText: l.severity,
    severityNumber: SEVERITY_NUMBERS[l.severity],
    body: { stringValue: l.body },
  }));
  const res = await fetch(`${baseUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeLogs: [{ logRecords }] }] }),
  });
  await res.arrayBuffer();
  return res.status;
}
