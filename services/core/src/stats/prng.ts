/**
 * mulberry32: a tiny seeded 32-bit generator. Chosen because its integer steps are easy to
 * restate bit for bit in other languages, so a bootstrap is reproducible outside Node too
 * (the tests replay it in plain Python and expect identical intervals).
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
