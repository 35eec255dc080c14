/** Small numeric helpers shared by the metric detectors. Allocation-free. */

/** Complementary error function, |error| < 1.2e-7 (Numerical Recipes `erfcc`, Chebyshev fit). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Upper tail of the standard normal, P(Z > z). */
export function normalTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * −ln P(S ≥ s) for S ~ Gamma(k, 1), the sum of k independent unit exponentials:
 * P(S ≥ s) = e^−s Σ_{j<k} s^j / j!  (k small, so the O(k) sum is fine).
 */
export function gammaTailSurprise(k: number, s: number): number {
  if (s <= 0) return 0;
  let term = 1;
  let sum = 1;
  for (let j = 1; j < k; j++) {
    term *= s / j;
    sum += term;
  }
  return Math.max(0, s - Math.log(sum));
}

/**
 * ⌊a / b⌋ for an integer |a| < 2^53 and b > 0, given inv = 1 / b: a multiplication and a
 * correction instead of a division (the rounded product is off by at most one).
 */
export function floorDiv(a: number, b: number, inv: number): number {
  const q = Math.floor(a * inv);
  const r = a - q * b;
  return r < 0 ? q - 1 : r >= b ? q + 1 : q;
}
