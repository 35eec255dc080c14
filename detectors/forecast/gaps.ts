/**
 * Evenly spaced values from sparse points: missing steps between two known points are
 * interpolated linearly (a scrape gap is not a drop to zero). Times are ms on the step grid.
 */
export function fillGaps(points: ReadonlyArray<{ timeMs: number; value: number }>, stepMs: number): { startMs: number; values: number[] } {
  if (points.length === 0) return { startMs: 0, values: [] };
  const startMs = points[0].timeMs;
  const values: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const index = Math.round((points[i].timeMs - startMs) / stepMs);
    if (index < values.length) continue; // a duplicate step: keep the first
    const previousIndex = values.length - 1;
    for (let j = previousIndex + 1; j < index; j++) {
      const share = (j - previousIndex) / (index - previousIndex);
      values.push(values[previousIndex] + (points[i].value - values[previousIndex]) * share);
    }
    values.push(points[i].value);
  }
  return { startMs, values };
}
