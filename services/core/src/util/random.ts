/**
 * mulberry32: a tiny seeded 32-bit generator, the suite's one source of seeded randomness
 * (dataset splits, bootstrap intervals, the demo data). The same seed gives the same stream on
 * every machine and Node version, and its integer steps are easy to restate bit for bit in
 * other languages (the tests replay it in plain Python and expect identical intervals). It is
 * not numpy's generator, so splits differ from HF datasets' for the same seed.
 */
export function mulberry32 (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
