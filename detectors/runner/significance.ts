import type { StepResult } from '../metrics/index.js';
import { isCountSeries, MINUTE_MS, type SeriesId } from './series.js';

/**
 * Operational judgement on top of a detector's score. Detectors score *news* (a NAB-style
 * detector reports a burst once and is then muted while its memory of the burst decays),
 * which is right for a benchmark and wrong for on-call: a second outage an hour after the
 * first must page too. So:
 *  - a value far outside its band of normal — more than EXTREME_BAND_MULTIPLE times the band's
 *    half-width from the expected value, and by a margin no sampling noise explains (see
 *    `decisive`) — is anomalous whatever the detector's memory says;
 *  - a change too small to matter is not, whatever the detector says: an error ratio must move
 *    by at least one percentage point, a p95 latency by 20% and 2 ms (a duration metric by 20%),
 *    a count by one Poisson standard deviation (a 0.1% → 0.3% error
 *    ratio on a quiet endpoint is "news" to a detector and noise to an SRE);
 *  - a count that stops — zero where its band of normal stays clear of zero, by a margin no
 *    Poisson noise explains — is anomalous like an extreme value: a service whose spans or
 *    logs stop has crashed, is cut off, or lost its telemetry (a "no data" alert). A detector
 *    that has seen wide swings scores the drop to zero as only a moderate surprise, and mutes
 *    the minutes of silence after the first. The minute in which a service fell silent
 *    (see the bucketer: 20 s behind the rest) counts the same way, as it stands, when it is
 *    below its band by such a margin and the silence itself is news (at its usual rate the
 *    service would have sent 3 Poisson standard deviations and at least 5 records in it): it
 *    holds the records sent before the silence, and nothing more will come;
 *  - faster is not a fault: a latency below its band (a caller whose callee fails fast, a
 *    cache that warmed) is no anomaly, as in the latency monitors of Datadog or Coroot. It
 *    comes with the errors or the drop in traffic that explain it, and those are what page.
 */
const EXTREME_BAND_MULTIPLE = 3;
/** The score of an extreme value: what the vigil detector gives a surprise at its cap. */
const EXTREME_SCORE = 0.75;
const MIN_RATIO_CHANGE = 0.01;
const MIN_LATENCY_CHANGE_MS = 2;
const MIN_LATENCY_CHANGE_SHARE = 0.2;
/**
 * A ratio's change in failed spans (change × spans of the minute): more than one to count
 * at all, three to be decisive — on a span called a dozen times a minute one stray error
 * is an 8-point jump in its error ratio and nothing else.
 */
const MIN_SIGNIFICANT_ERRORS = 1.5;
const MIN_DECISIVE_ERRORS = 3;

/** What the rules read of a series: its signal, and for metrics its name and stat. */
export type SignificanceId = Pick<SeriesId, 'signal'> & Partial<Pick<SeriesId, 'name' | 'stat'>>;

/**
 * A duration histogram's mean or p95 (http.server.request.duration …) is a latency like a
 * span's, in the metric's own unit: it gets the same relative rules (the absolute floors
 * in ms do not apply to a unit we do not know). At a few requests a second one slow
 * request moves a minute's mean by a fifth; that is noise, not a page.
 */
function isLatencyMetric(id: SignificanceId): boolean {
  return id.signal === 'metric' && (id.stat === 'p95' || id.stat === 'mean') && /duration|latency/i.test(id.name ?? '');
}

/**
 * Big enough to page on by itself: an error ratio up (or down) 5 percentage points, a p95
 * latency 50% and 10 ms, a count 3 Poisson standard deviations and at least 5, any other
 * metric 20% of its level. Sparse series (a few errors an hour) have bands so narrow that
 * "three half-widths" alone is one stray error.
 */
function decisive(id: SignificanceId, value: number, expected: number, samples?: number): boolean {
  const change = Math.abs(value - expected);
  if (isLatencyMetric(id)) return change >= 0.5 * Math.abs(expected);
  switch (id.signal) {
    case 'span_errors':
      return change >= 0.05 && (samples === undefined || change * samples >= MIN_DECISIVE_ERRORS);
    case 'span_latency':
      return change >= Math.max(10, 0.5 * Math.abs(expected));
    case 'span_rate':
    case 'log_rate':
    case 'log_pattern':
      return change >= Math.max(5, 3 * Math.sqrt(Math.max(0, expected)));
    default:
      return change >= 0.2 * Math.abs(expected);
  }
}

export function significant(id: SignificanceId, value: number, expected: number, samples?: number): boolean {
  const change = Math.abs(value - expected);
  if (isLatencyMetric(id)) return change >= MIN_LATENCY_CHANGE_SHARE * Math.abs(expected);
  switch (id.signal) {
    case 'span_errors':
      // One failed span more than usual is no change, however few spans a minute has.
      return change >= MIN_RATIO_CHANGE && (samples === undefined || change * samples >= MIN_SIGNIFICANT_ERRORS);
    case 'span_latency':
      return change >= Math.max(MIN_LATENCY_CHANGE_MS, MIN_LATENCY_CHANGE_SHARE * Math.abs(expected));
    case 'span_rate':
    case 'log_rate':
    case 'log_pattern':
      // Within one Poisson standard deviation (and under one record) a count has not moved: a
      // steady stream (a heartbeat, one record a second) has a band so narrow that the count of
      // a minute still in progress, extrapolated, is "news" to a detector by a record or two.
      return change >= Math.max(1, Math.sqrt(Math.max(0, expected)));
    default:
      return true;
  }
}

/** A count series at zero, or a silent service's count below its band, where the band of normal does not reach zero. */
function stopped(id: SignificanceId, value: number, r: StepResult, silentMs?: number): boolean {
  if (!(r.lower > 0) || !isCountSeries(id)) return false;
  if (value === 0) return true;
  if (silentMs === undefined || !(value < r.lower)) return false;
  // No record where `missed` were due: a count's decisive drop, over the silence alone.
  const missed = (Math.max(0, r.expected) * silentMs) / MINUTE_MS;
  return decisive(id, 0, missed);
}

/**
 * The score the runner acts on; `warm` = the detector is past its warm-up (its band means
 * something). `provisional`: the value is a minute still in progress (early scoring), whose
 * p95 and error ratio come from a fraction of the spans the band was learned from and are
 * that much noisier (two failures in the first 20 spans are a 10% error ratio): early, a
 * latency or an error ratio only counts when it moved far (see `decisive`); smaller moves
 * wait for the minute to close. `silentMs`: the value is the minute of a service silent this long,
 * as it stands (see `stopped`).
 */
export function operationalScore(id: SignificanceId, value: number, r: StepResult, warm: boolean, samples?: number, provisional = false, silentMs?: number): number {
  if (!warm || !Number.isFinite(value) || !significant(id, value, r.expected, samples)) return warm ? 0 : r.score;
  const latency = id.signal === 'span_latency' || isLatencyMetric(id);
  if (latency && value < r.expected) return 0;
  if (provisional && (latency || id.signal === 'span_errors') && !decisive(id, value, r.expected, samples)) return 0;
  const halfWidth = Math.max(r.upper - r.expected, r.expected - r.lower);
  if (halfWidth > 0 && Math.abs(value - r.expected) > EXTREME_BAND_MULTIPLE * halfWidth && decisive(id, value, r.expected, samples)) return Math.max(r.score, EXTREME_SCORE);
  if (stopped(id, value, r, silentMs) && decisive(id, value, r.expected, samples)) return Math.max(r.score, EXTREME_SCORE);
  return r.score;
}
