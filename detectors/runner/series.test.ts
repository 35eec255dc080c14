import { describe, expect, it } from 'vitest';
import { nanoTextToMs, parseSeriesKey, seriesKey, type SeriesId } from './series.js';

describe('series keys', () => {
  it('are stable (sorted attributes) and round-trip through parseSeriesKey', () => {
    const id: SeriesId = { signal: 'metric', service: 'check:out', name: 'http.server.duration', stat: 'p95', attributes: { route: '/cart,x=1', method: 'GET' } };
    const key = seriesKey(id);
    expect(key).toBe('metric:check%3Aout:http.server.duration:p95:method=GET,route=%2Fcart%2Cx%3D1');
    expect(seriesKey({ ...id, attributes: { method: 'GET', route: '/cart,x=1' } })).toBe(key);
    expect(parseSeriesKey(key)).toEqual(id);
    expect(seriesKey({ signal: 'log_rate', service: 'api', name: 'ERROR', stat: 'count', attributes: {} })).toBe('log_rate:api:ERROR:count');
    expect(parseSeriesKey('log_rate:api:ERROR:count')?.attributes).toEqual({});
    expect(parseSeriesKey('nonsense')).toBeUndefined();
    expect(decodeURIComponent(encodeURIComponent(key))).toBe(key);
  });

  it('reads NanoTime and nanosecond text as milliseconds', () => {
    expect(nanoTextToMs('1767225600.123456789')).toBe(1767225600123);
    expect(nanoTextToMs('000000000.000000000')).toBe(0);
    expect(nanoTextToMs('1767225600123456789')).toBe(1767225600123);
  });
});
