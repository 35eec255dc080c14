/**
 * DORA performance bands. Thresholds are the cluster boundaries of the Accelerate State of
 * DevOps Report 2023 (Google Cloud / DORA, "Software delivery performance" table), taken per
 * metric: deployment frequency elite = on demand (several a day), high = daily to weekly,
 * medium = weekly to monthly; lead time elite < 1 day, high < 1 week, medium < 1 month;
 * change failure rate elite 5 %, high 10 %, medium 15 %; failed deployment recovery time
 * elite < 1 hour, high < 1 day, medium < 1 week. Anything beyond medium is low. (The 2024
 * report's clusters are not ordered on every metric — its medium change failure rate is
 * below high's — so the 2023 boundaries are the ones a threshold can use.)
 */
export type Band = 'elite' | 'high' | 'medium' | 'low';

export const BANDS: readonly Band[] = ['elite', 'high', 'medium', 'low'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Deployments per day → band (on demand ≈ at least one a day on average). */
export function deploymentFrequencyBand(deploysPerDay: number): Band {
  if (deploysPerDay >= 1) return 'elite';
  if (deploysPerDay >= 1 / 7) return 'high';
  if (deploysPerDay >= 1 / 30) return 'medium';
  return 'low';
}

export function leadTimeBand(medianMs: number): Band {
  if (medianMs < DAY_MS) return 'elite';
  if (medianMs < 7 * DAY_MS) return 'high';
  if (medianMs < 30 * DAY_MS) return 'medium';
  return 'low';
}

export function changeFailureRateBand(rate: number): Band {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}

export function recoveryTimeBand(medianMs: number): Band {
  if (medianMs < HOUR_MS) return 'elite';
  if (medianMs < DAY_MS) return 'high';
  if (medianMs < 7 * DAY_MS) return 'medium';
  return 'low';
}

/** The overall band: the weakest of the metrics that have data (a team is as fast as its slowest key). */
export function overallBand(bands: ReadonlyArray<Band | null>): Band | null {
  let worst = -1;
  for (const b of bands) if (b !== null) worst = Math.max(worst, BANDS.indexOf(b));
  return worst < 0 ? null : BANDS[worst];
}
