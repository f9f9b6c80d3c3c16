/** Two-sided 95 % normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054

export interface Interval { low: number, high: number }

/**
 * Wilson score interval of a proportion k/n: unlike the normal (Wald) interval it stays
 * inside [0, 1] and is not degenerate at 0 % or 100 %. Null for n = 0.
 */
export function wilson (k: number, n: number, z = Z95): Interval | null {
  if (n === 0) return null
  const p = k / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denom
  const half = z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
  // At k = 0 (k = n) the bound is exactly 0 (1); the float formula leaves a residue of 1e-17.
  return { low: k === 0 ? 0 : center - half, high: k === n ? 1 : center + half }
}

/** Quantile of ascending values by linear interpolation (R's type 7, numpy's default). */
export function quantile (sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q
  const lo = Math.floor(h)
  if (lo + 1 >= sorted.length) return sorted[sorted.length - 1]
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo])
}

/** The central 95 % percentile interval of bootstrap statistics (sorted in place). */
export function percentileInterval (stats: Float64Array): Interval {
  stats.sort()
  return { low: quantile(stats, 0.025), high: quantile(stats, 0.975) }
}
