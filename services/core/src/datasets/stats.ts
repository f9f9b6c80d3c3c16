/** Token-length statistics of one split, as the dataset record reports them. */
export interface SplitTokenStats {
  examples: number
  tokens_mean: number
  tokens_p50: number
  tokens_p95: number
  tokens_max: number
  over_4096: number
  /** Examples per length bin: counts[i] holds lengths in [i × bin_width, (i + 1) × bin_width). */
  histogram: { bin_width: number, counts: number[] }
}

/** Histogram bins of 128 tokens: 32 bins reach the recipe's 4,096 line. */
export const HISTOGRAM_BIN_WIDTH = 128

/** The recipe trains at 4,096 tokens; longer examples are cut (or dropped) by the trainer. */
export const RECIPE_MAX_TOKENS = 4096

export function tokenStats (counts: readonly number[]): SplitTokenStats {
  if (counts.length === 0) return { examples: 0, tokens_mean: 0, tokens_p50: 0, tokens_p95: 0, tokens_max: 0, over_4096: 0, histogram: { bin_width: HISTOGRAM_BIN_WIDTH, counts: [] } }
  const sorted = [...counts].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    examples: sorted.length,
    tokens_mean: Math.round((sum / sorted.length) * 10) / 10,
    tokens_p50: at(0.5),
    tokens_p95: at(0.95),
    tokens_max: sorted[sorted.length - 1],
    over_4096: sorted.filter((c) => c > RECIPE_MAX_TOKENS).length,
    histogram: histogram(sorted, HISTOGRAM_BIN_WIDTH)
  }
}

function histogram (sorted: readonly number[], binWidth: number): { bin_width: number, counts: number[] } {
  const counts = new Array<number>(Math.floor(sorted[sorted.length - 1] / binWidth) + 1).fill(0)
  for (const c of sorted) counts[Math.floor(c / binWidth)]++
  return { bin_width: binWidth, counts }
}
