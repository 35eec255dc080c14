import type { Observation, Sample } from './extract.js';
import { addToSketch, createSketch, histogramQuantile, sketchQuantile, type LogSketch } from './quantile.js';
import { MINUTE_MS, type SeriesId, type SeriesStat } from './series.js';

/**
 * One source's minute, as it accumulates, and how a closed minute becomes series values.
 * Cumulative sources carry their last sample from minute to minute to take differences.
 */
type HistogramSample = Extract<Sample, { kind: 'histogram' }>;
type CumulativeSample = Extract<Sample, { kind: 'cumulative' }>;

export type Accumulator =
  | { kind: 'gauge'; sum: number; n: number }
  | { kind: 'cumulative'; last: CumulativeSample }
  | { kind: 'delta'; sum: number; durationSec: number }
  | { kind: 'histogram_cumulative'; last: HistogramSample }
  | { kind: 'histogram_delta'; count: number; sum: number; bounds: number[]; buckets: number[] }
  | { kind: 'log'; count: number }
  | { kind: 'span'; calls: number; errors: number; durations: LogSketch };

/** The previous minute's last cumulative sample. */
export type Carry = CumulativeSample | HistogramSample;

export function accumulate(acc: Accumulator | undefined, sample: Sample): Accumulator {
  switch (sample.kind) {
    case 'gauge':
      if (acc?.kind !== 'gauge') return { kind: 'gauge', sum: sample.value, n: 1 };
      acc.sum += sample.value;
      acc.n++;
      return acc;
    case 'cumulative':
      // Out-of-order samples within the minute: the latest one stands for the minute.
      if (acc?.kind !== 'cumulative' || sample.timeMs >= acc.last.timeMs) return { kind: 'cumulative', last: sample };
      return acc;
    case 'delta':
      if (acc?.kind !== 'delta') return { kind: 'delta', sum: sample.value, durationSec: sample.durationSec };
      acc.sum += sample.value;
      acc.durationSec += sample.durationSec;
      return acc;
    case 'histogram':
      if (sample.cumulative) {
        if (acc?.kind !== 'histogram_cumulative' || sample.timeMs >= acc.last.timeMs) return { kind: 'histogram_cumulative', last: sample };
        return acc;
      }
      if (acc?.kind !== 'histogram_delta' || !sameBounds(acc.bounds, sample.bounds)) {
        return { kind: 'histogram_delta', count: sample.count, sum: sample.sum, bounds: sample.bounds, buckets: sample.buckets.slice() };
      }
      acc.count += sample.count;
      acc.sum += sample.sum;
      for (let i = 0; i < acc.buckets.length; i++) acc.buckets[i] += sample.buckets[i] ?? 0;
      return acc;
    case 'log':
      if (acc?.kind !== 'log') return { kind: 'log', count: sample.count };
      acc.count += sample.count;
      return acc;
    case 'span': {
      const span = acc?.kind === 'span' ? acc : { kind: 'span' as const, calls: 0, errors: 0, durations: createSketch() };
      span.calls++;
      if (sample.error) span.errors++;
      addToSketch(span.durations, sample.durationMs);
      return span;
    }
  }
}

export interface MinuteValue {
  id: SeriesId;
  value: number;
  /** For a ratio: how many samples (spans) it is of. */
  samples?: number;
}

export interface ClosedMinute {
  values: MinuteValue[];
  carry: Carry | undefined;
}

/** Turns a closed minute into series values (none when there is nothing to say yet). */
export function closeMinute(obsBase: Observation['base'], acc: Accumulator, carry: Carry | undefined): ClosedMinute {
  const id = (stat: SeriesStat, signal = obsBase.signal): SeriesId => ({ ...obsBase, signal, stat });
  const values: MinuteValue[] = [];
  const push = (stat: SeriesStat, value: number, signal = obsBase.signal) => {
    if (Number.isFinite(value)) values.push({ id: id(stat, signal), value });
  };
  switch (acc.kind) {
    case 'gauge':
      push('value', acc.sum / acc.n);
      return { values, carry };
    case 'delta':
      if (acc.durationSec > 0) push('rate', acc.sum / acc.durationSec);
      return { values, carry };
    case 'cumulative': {
      const prev = carry?.kind === 'cumulative' ? carry : undefined;
      const rate = prev ? counterRate(prev, acc.last) : undefined;
      if (rate !== undefined) push('rate', rate);
      return { values, carry: acc.last };
    }
    case 'histogram_cumulative': {
      const prev = carry?.kind === 'histogram' ? carry : undefined;
      const diff = prev ? histogramIncrease(prev, acc.last) : undefined;
      if (diff) pushHistogram(push, acc.last.bounds, diff.count, diff.sum, diff.buckets);
      return { values, carry: acc.last };
    }
    case 'histogram_delta':
      pushHistogram(push, acc.bounds, acc.count, acc.sum, acc.buckets);
      return { values, carry };
    case 'log':
      push('count', acc.count);
      return { values, carry };
    case 'span':
      push('count', acc.calls, 'span_rate');
      values.push({ id: id('ratio', 'span_errors'), value: acc.calls > 0 ? acc.errors / acc.calls : 0, samples: acc.calls });
      push('p95', sketchQuantile(acc.durations, 0.95), 'span_latency');
      return { values, carry };
  }
}

/**
 * Series values of a minute still in progress, `elapsedMs` into it, for early scoring.
 * Ratios and quantiles need `minSamples` spans; counts are extrapolated to the whole
 * minute only after `minElapsedMs` (fewer seconds make a rate estimate too noisy to page on).
 * Gauges and rates read as they would at the close.
 */
export function peekMinute(obsBase: Observation['base'], acc: Accumulator, carry: Carry | undefined, elapsedMs: number, options: { minSamples: number; minElapsedMs: number }): MinuteValue[] {
  const countsReady = elapsedMs >= options.minElapsedMs;
  const scale = MINUTE_MS / Math.max(elapsedMs, 1);
  switch (acc.kind) {
    case 'log':
      return countsReady ? [{ id: { ...obsBase, stat: 'count' }, value: acc.count * scale }] : [];
    case 'span': {
      const values: MinuteValue[] = [];
      if (countsReady) values.push({ id: { ...obsBase, signal: 'span_rate', stat: 'count' }, value: acc.calls * scale });
      if (acc.calls >= options.minSamples) {
        values.push({ id: { ...obsBase, signal: 'span_errors', stat: 'ratio' }, value: acc.errors / acc.calls, samples: acc.calls });
        values.push({ id: { ...obsBase, signal: 'span_latency', stat: 'p95' }, value: sketchQuantile(acc.durations, 0.95) });
      }
      return values;
    }
    case 'histogram_delta':
      return acc.count >= options.minSamples ? closeMinute(obsBase, acc, carry).values : [];
    default:
      return closeMinute(obsBase, acc, carry).values;
  }
}

function pushHistogram(push: (stat: SeriesStat, value: number) => void, bounds: number[], count: number, sum: number, buckets: number[]): void {
  if (!(count > 0)) return;
  push('mean', sum / count);
  push('p95', histogramQuantile(bounds, buckets, 0.95));
}

/**
 * Per-second rate between two samples of a monotonic counter. A reset (the value went
 * down, or the series' start time changed) means the counter restarted from zero, so
 * the increase is the new value itself (as Prometheus' rate() reads resets).
 */
export function counterRate(prev: CumulativeSample, cur: CumulativeSample): number | undefined {
  if (cur.timeMs <= prev.timeMs) return undefined;
  const reset = cur.value < prev.value || (cur.startMs > 0 && prev.startMs > 0 && cur.startMs !== prev.startMs);
  if (!reset) return (cur.value - prev.value) / ((cur.timeMs - prev.timeMs) / 1000);
  const fromMs = cur.startMs > prev.timeMs && cur.startMs < cur.timeMs ? cur.startMs : prev.timeMs;
  return cur.value / ((cur.timeMs - fromMs) / 1000);
}

/** What a cumulative histogram gained between two samples (reset-aware, like counterRate). */
export function histogramIncrease(prev: HistogramSample, cur: HistogramSample): { count: number; sum: number; buckets: number[] } | undefined {
  if (cur.timeMs <= prev.timeMs) return undefined;
  const reset =
    cur.count < prev.count ||
    !sameBounds(prev.bounds, cur.bounds) ||
    cur.buckets.length !== prev.buckets.length ||
    (cur.startMs > 0 && prev.startMs > 0 && cur.startMs !== prev.startMs);
  if (reset) return { count: cur.count, sum: cur.sum, buckets: cur.buckets.slice() };
  return { count: cur.count - prev.count, sum: cur.sum - prev.sum, buckets: cur.buckets.map((c, i) => Math.max(0, c - prev.buckets[i])) };
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
