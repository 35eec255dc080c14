import { describe, expect, it } from 'vitest';
import { encodeLogs, encodeMetrics, encodeTraces } from './otlp-json.js';
import { simulateRange } from './simulation.js';
import { DEFAULT_TOPOLOGY } from './topology.js';

const T0 = Date.UTC(2026, 0, 1);
const data = simulateRange({ topology: DEFAULT_TOPOLOGY, seed: 2, ratePerSecond: 3, originMs: T0, canary: true }, T0, T0 + 25_000);

describe('OTLP/JSON encoding', () => {
  it('groups spans by resource with hex ids, integer kinds and nanosecond strings', () => {
    const body = JSON.parse(encodeTraces(data.spans));
    expect(body.resourceSpans.map((r: any) => r.resource.attributes.find((a: any) => a.key === 'service.name').value.stringValue).sort())
      .toEqual(['checkout', 'frontend', 'inventory', 'payments']);
    const spans = body.resourceSpans.flatMap((r: any) => r.scopeSpans[0].spans);
    expect(spans).toHaveLength(data.spans.length);
    const root = spans.find((s: any) => s.parentSpanId === undefined);
    expect(root).toMatchObject({ kind: 2, status: { code: 0 } });
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(BigInt(root.endTimeUnixNano) > BigInt(root.startTimeUnixNano)).toBe(true);
    const status = root.attributes.find((a: any) => a.key === 'http.response.status_code');
    expect(status.value).toEqual({ intValue: '200' });
  });

  it('writes severity, trace context and canary sequence numbers on logs', () => {
    const body = JSON.parse(encodeLogs(data.logs));
    const records = body.resourceLogs.flatMap((r: any) => r.scopeLogs[0].logRecords);
    const info = records.find((l: any) => l.traceId);
    expect(info).toMatchObject({ severityNumber: 9, severityText: 'INFO', body: { stringValue: expect.any(String) } });
    expect(info.spanId).toMatch(/^[0-9a-f]{16}$/);
    const canary = body.resourceLogs.find((r: any) => r.resource.attributes.some((a: any) => a.value.stringValue === 'vigil-canary')).scopeLogs[0].logRecords[0];
    expect(canary.attributes).toEqual([{ key: 'vigil.canary.seq', value: { intValue: '1' } }]);
    expect(canary.traceId).toBeUndefined();
  });

  it('writes gauges, a cumulative monotonic sum and a cumulative histogram', () => {
    const body = JSON.parse(encodeMetrics(data.metrics));
    const metrics = body.resourceMetrics[0].scopeMetrics[0].metrics;
    const byName = Object.fromEntries(metrics.map((m: any) => [m.name, m]));
    expect(byName['process.cpu.utilization'].gauge.dataPoints).toHaveLength(2);
    expect(byName['http.server.request.count'].sum).toMatchObject({ aggregationTemporality: 2, isMonotonic: true });
    expect(byName['http.server.request.count'].sum.dataPoints[0].startTimeUnixNano).toBe(`${BigInt(T0) * 1_000_000n}`);
    const histogram = byName['http.server.request.duration'].histogram;
    expect(histogram.aggregationTemporality).toBe(2);
    const point = histogram.dataPoints[1];
    expect(point.bucketCounts).toHaveLength(point.explicitBounds.length + 1);
    expect(point.bucketCounts.reduce((a: number, b: string) => a + Number(b), 0)).toBe(Number(point.count));
  });
});
