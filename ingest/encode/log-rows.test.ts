import { describe, expect, it } from 'vitest';
import type { LogRow } from '../rows.js';
import { decodeCompactRows, encodeLogRows, LOG_COLUMNS } from './log-rows.js';

const resource = { 'service.name': 'checkout', 'host.name': 'web "1"' };
const scope = {};
const row = (i: number, extra: Partial<LogRow> = {}): LogRow => ({
  Timestamp: `1767225600.00000000${i}`, TraceId: i % 2 ? '0af7651916cd43dd8448eb211c80319c' : '', SpanId: i % 2 ? 'b7ad6b7169203331' : '', TraceFlags: i % 2,
  SeverityText: 'INFO', SeverityNumber: 9, ServiceName: 'checkout', Body: `line ${i}: "quoted"\ttab\nnewline \\ \u2028 é 🚀`,
  ResourceSchemaUrl: '', ResourceAttributes: resource, ScopeSchemaUrl: 'https://opentelemetry.io/schemas/1.21.0', ScopeName: 'bench', ScopeVersion: '1.0.0',
  ScopeAttributes: scope, LogAttributes: { 'http.method': 'GET', i: String(i) }, ...extra,
});

describe('encodeLogRows', () => {
  it('writes one JSON array per row in LOG_COLUMNS order, every value as in the row', () => {
    const rows = [row(0), row(1, { TemplateId: 'abc123' }), row(2, { ServiceName: 'cart', ResourceAttributes: { 'service.name': 'cart' } }), row(3)];
    const body = encodeLogRows(rows);
    const lines = body.toString('utf8').split('\n');
    expect(lines).toHaveLength(4);
    for (let i = 0; i < rows.length; i++) {
      expect(JSON.parse(lines[i])).toEqual(LOG_COLUMNS.map((c) => (c === 'TemplateId' ? rows[i].TemplateId ?? '' : rows[i][c])));
    }
    expect(decodeCompactRows(body, LOG_COLUMNS)).toEqual(rows.map((r) => ({ ...r, TemplateId: r.TemplateId ?? '' })));
  });

  it('does not reuse a scope\'s columns for the next scope, even with equal-looking values', () => {
    const rows = [row(0), row(1, { ScopeAttributes: { team: 'a' } }), row(2, { ScopeName: 'other' })];
    const decoded = decodeCompactRows(encodeLogRows(rows), LOG_COLUMNS);
    expect(decoded.map((r) => [r.ScopeName, r.ScopeAttributes])).toEqual([['bench', {}], ['bench', { team: 'a' }], ['other', {}]]);
  });

  it('keeps an attribute named __proto__ as a plain key', () => {
    const attributes: Record<string, string> = {};
    Object.defineProperty(attributes, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
    const line = encodeLogRows([row(0, { LogAttributes: attributes })]).toString();
    expect(line).toContain('{"__proto__":"x"}');
  });
});
