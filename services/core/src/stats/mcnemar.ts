/**
 * Exact McNemar test: two-sided binomial test of b successes in b + c discordant pairs at
 * p = 1/2, p = min(1, 2 · Σ_{i ≤ min(b,c)} C(n, i) / 2ⁿ). Computed in exact integers (BigInt),
 * then rounded once, so it is exact for any n (a float binomial sum loses everything past
 * n ≈ 1000). No discordant pairs: p = 1.
 */
export function mcnemarExact (b: number, c: number): number {
  const n = b + c
  const k = Math.min(b, c)
  if (n === 0 || b === c) return 1
  let term = 1n
  let sum = 1n
  for (let i = 1; i <= k; i++) {
    term = term * BigInt(n - i + 1) / BigInt(i)
    sum += term
  }
  const num = 2n * sum
  if (num >= 1n << BigInt(n)) return 1
  return ratioPow2(num, n)
}

/** num / 2^e rounded once to the nearest double (results in the normal range). */
function ratioPow2 (num: bigint, e: number): number {
  const drop = Math.max(0, num.toString(2).length - 64)
  let m = num >> BigInt(drop)
  // A sticky bit keeps the dropped bits' say in the rounding of the kept 64.
  if (drop > 0 && (m << BigInt(drop)) !== num) m |= 1n
  let x = Number(m)
  let rest = e - drop
  while (rest > 0) {
    const s = Math.min(rest, 1000)
    x /= 2 ** s
    rest -= s
  }
  return x
}
