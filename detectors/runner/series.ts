/**
 * A detected series: one value per event-time minute, derived from the telemetry stream.
 *
 * Its key is a stable, printable string:
 *
 *   <signal>:<service>:<name>:<stat>[:<attr>=<value>,<attr>=<value>…]
 *
 * every part percent-encoded (encodeURIComponent, so `:`, `,`, `=` and `/` inside a part
 * never clash with the separators) and attributes sorted by name. Examples:
 *
 *   metric:checkout:http.server.duration:p95:http.route=%2Fcart,service.instance.id=pod-1
 *   log_rate:checkout:ERROR:count
 *   span_latency:checkout:GET%20%2Fcart:p95
 *
 * In a URL path the whole key is encoded once more (encodeURIComponent(key)).
 */
export const SIGNALS = ['metric', 'log_rate', 'log_pattern', 'span_rate', 'span_errors', 'span_latency'] as const;
export type SeriesSignal = (typeof SIGNALS)[number];

/**
 * What the value of one minute is:
 *  - metric: `value` (gauge mean, non-monotonic sum), `rate` (per second, from sums),
 *    `mean` and `p95` (histograms, in the metric's unit);
 *  - log_rate: `count` (records per minute at one severity, `name` = severity text);
 *  - log_pattern: `count` (warning-or-worse records per minute of one pattern, `name` = template id);
 *  - span_rate: `count` (spans per minute), span_errors: `ratio` (error spans / spans),
 *    span_latency: `p95` (milliseconds); `name` = span name.
 */
export type SeriesStat = 'value' | 'rate' | 'mean' | 'p95' | 'count' | 'ratio';

export interface SeriesId {
  signal: SeriesSignal;
  service: string;
  name: string;
  stat: SeriesStat;
  attributes: Record<string, string>;
}

/** One closed minute of a series: the detector's input. */
export interface SeriesPoint {
  key: string;
  id: SeriesId;
  /** Start of the event-time minute, ms since the epoch. */
  timeMs: number;
  value: number;
  /** For a ratio: how many samples (spans) it is of, when known. */
  samples?: number;
  /**
   * The point of a service gone silent while the rest moves on (see the bucketer): its
   * minute as it stands, and how long the service has been silent (ms of event time).
   */
  silentMs?: number;
}

/** Count series read a missing minute as zero (a minute without errors has 0 errors). */
export function isCountSeries(id: Pick<SeriesId, 'signal'>): boolean {
  return id.signal === 'log_rate' || id.signal === 'log_pattern' || id.signal === 'span_rate';
}

const enc = encodeURIComponent;

export function seriesKey(id: SeriesId): string {
  const attrs = Object.keys(id.attributes)
    .sort()
    .map((k) => `${enc(k)}=${enc(id.attributes[k])}`)
    .join(',');
  const base = `${id.signal}:${enc(id.service)}:${enc(id.name)}:${id.stat}`;
  return attrs ? `${base}:${attrs}` : base;
}

/** The inverse of seriesKey; undefined for text that is not a series key. */
export function parseSeriesKey(key: string): SeriesId | undefined {
  const parts = key.split(':');
  if (parts.length < 4 || parts.length > 5) return undefined;
  const [signal, service, name, stat, attrs] = parts;
  if (!(SIGNALS as readonly string[]).includes(signal)) return undefined;
  try {
    const attributes: Record<string, string> = {};
    for (const pair of attrs ? attrs.split(',') : []) {
      const eq = pair.indexOf('=');
      if (eq < 0) return undefined;
      attributes[decodeURIComponent(pair.slice(0, eq))] = decodeURIComponent(pair.slice(eq + 1));
    }
    return { signal: signal as SeriesSignal, service: decodeURIComponent(service), name: decodeURIComponent(name), stat: stat as SeriesStat, attributes };
  } catch {
    return undefined;
  }
}

export const MINUTE_MS = 60_000;

export function minuteOf(timeMs: number): number {
  return Math.floor(timeMs / MINUTE_MS) * MINUTE_MS;
}

/** Milliseconds of a NanoTime (`"<seconds>.<9 digits>"`), or of nanoseconds as decimal text. */
export function nanoTextToMs(text: string): number {
  const dot = text.indexOf('.');
  if (dot >= 0) return Number(text.slice(0, dot)) * 1000 + Math.floor(Number(text.slice(dot + 1, dot + 4).padEnd(3, '0')));
  return Number(text.length > 6 ? text.slice(0, -6) : '0');
}
