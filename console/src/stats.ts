// Intervals shown beside the report's numbers (95 %). EX is a proportion: Wilson's score
// interval stays inside 0-100 and behaves at 0 % or 100 % and small n. Soft-F1 is a mean
// of per-question scores in [0, 1]: a normal interval on that mean.

const Z = 1.959963984540054

export type Interval = [number, number]

/** Wilson score interval of `correct` out of `n`, in percent. */
export function wilson (correct: number, n: number): Interval | null {
  if (n <= 0) return null
  const p = correct / n
  const z2 = Z * Z
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n)
  const half = (Z / (1 + z2 / n)) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
  return [100 * Math.max(0, centre - half), 100 * Math.min(1, centre + half)]
}

/** Normal interval of the mean of values in [0, 1], in percent. */
export function meanInterval (values: readonly number[]): Interval | null {
  const n = values.length
  if (n < 2) return null
  const mean = values.reduce((a, b) => a + b, 0) / n
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)
  const half = Z * Math.sqrt(variance / n)
  return [100 * Math.max(0, mean - half), 100 * Math.min(1, mean + half)]
}

export const pct = (x: number | null | undefined, digits = 2): string => x === null || x === undefined ? '–' : x.toFixed(digits)
export const fmtInterval = (i: Interval | null): string => i === null ? '' : `[${i[0].toFixed(1)}, ${i[1].toFixed(1)}]`
