/** What every online metric detector returns for one point. */
export interface StepResult {
  /** Anomaly score in [0, 1], calibrated so that one threshold fits every series. */
  score: number;
  /** The detector's prediction for this point (before seeing it). */
  expected: number;
  /** Band of normal values around `expected`. */
  lower: number;
  upper: number;
}

export function emptyResult(): StepResult {
  return { score: 0, expected: 0, lower: 0, upper: 0 };
}
