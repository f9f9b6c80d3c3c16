import { mcnemarExact } from './mcnemar.js'
import { mulberry32 } from '../util/random.js'
import { percentileInterval, wilson } from './intervals.js'

/** One scored question of one run: its difficulty (null: none), EX (0/1) and Soft-F1 (0-1). */
export interface ScoredQuestion { difficulty: string | null, correct: boolean, soft_f1: number }

export const COMPARE_BUCKETS = ['simple', 'moderate', 'challenging', 'total'] as const
export type CompareBucket = typeof COMPARE_BUCKETS[number]

/** A point estimate with its 95 % interval, in percent (0-100); null where the bucket is empty. */
export interface Estimate { value: number | null, low: number | null, high: number | null }

export interface RunBucket { n: number, correct: number, ex: Estimate, soft_f1: Estimate }

export interface PairBucket {
  n: number
  both_right: number
  both_wrong: number
  /** Right in the first run, wrong in the second. */
  right_to_wrong: number
  wrong_to_right: number
  /** Second minus first, in points. */
  ex_diff: Estimate
  soft_f1_diff: Estimate
  mcnemar_p: number
}

export interface CompareOptions { resamples: number, seed: number }

export interface RunComparison {
  runs: Array<Record<CompareBucket, RunBucket>>
  /** Every pair i < j, second minus first. */
  pairs: Array<{ a: number, b: number, buckets: Record<CompareBucket, PairBucket> }>
}

export const DEFAULT_COMPARE: CompareOptions = { resamples: 2000, seed: 2026 }

const NONE: Estimate = { value: null, low: null, high: null }
const pct = (x: number) => 100 * x

/**
 * Compares runs over the same questions (`runs[r][q]` is question q of run r; difficulties are
 * the first run's). Per bucket: EX with a Wilson interval, Soft-F1 with a percentile bootstrap
 * interval, and per pair the paired difference with a paired percentile bootstrap interval,
 * flip counts and the exact McNemar p-value. Every bucket resamples its questions from a fresh
 * mulberry32(seed) stream, one draw sequence shared by all runs and pairs (so paired).
 */
export function compareRuns (runs: ScoredQuestion[][], opts: CompareOptions = DEFAULT_COMPARE): RunComparison {
  const nq = runs[0]?.length ?? 0
  if (runs.some((r) => r.length !== nq)) throw new Error('runs must score the same questions')
  const pairs: Array<[number, number]> = []
  for (let a = 0; a < runs.length; a++) for (let b = a + 1; b < runs.length; b++) pairs.push([a, b])
  const out: RunComparison = { runs: runs.map(() => ({}) as Record<CompareBucket, RunBucket>), pairs: pairs.map(([a, b]) => ({ a, b, buckets: {} as Record<CompareBucket, PairBucket> })) }

  for (const bucket of COMPARE_BUCKETS) {
    const members: number[] = []
    for (let q = 0; q < nq; q++) if (bucket === 'total' || runs[0][q].difficulty === bucket) members.push(q)
    const n = members.length
    const ex = runs.map((r) => Float64Array.from(members, (q) => r[q].correct ? 1 : 0))
    const f1 = runs.map((r) => Float64Array.from(members, (q) => r[q].soft_f1))
    const boot = bootstrap(n, ex, f1, pairs, opts)

    runs.forEach((_, r) => {
      const k = sum(ex[r])
      const w = wilson(k, n)
      out.runs[r][bucket] = {
        n,
        correct: k,
        ex: w === null ? NONE : { value: pct(k / n), low: pct(w.low), high: pct(w.high) },
        soft_f1: n === 0 ? NONE : estimate(sum(f1[r]) / n, boot!.f1[r])
      }
    })
    pairs.forEach(([a, b], p) => {
      let bothRight = 0; let bothWrong = 0; let rw = 0; let wr = 0
      for (let i = 0; i < n; i++) {
        const ra = ex[a][i] === 1; const rb = ex[b][i] === 1
        if (ra && rb) bothRight++
        else if (!ra && !rb) bothWrong++
        else if (ra) rw++
        else wr++
      }
      out.pairs[p].buckets[bucket] = {
        n,
        both_right: bothRight,
        both_wrong: bothWrong,
        right_to_wrong: rw,
        wrong_to_right: wr,
        ex_diff: n === 0 ? NONE : estimate((sum(ex[b]) - sum(ex[a])) / n, boot!.exDiff[p]),
        soft_f1_diff: n === 0 ? NONE : estimate(diffSum(f1[b], f1[a]) / n, boot!.f1Diff[p]),
        mcnemar_p: mcnemarExact(rw, wr)
      }
    })
  }
  return out
}

function estimate (value: number, stats: Float64Array): Estimate {
  const { low, high } = percentileInterval(stats)
  return { value: pct(value), low: pct(low), high: pct(high) }
}

/** Sums in index order (the reference sums in the same order, so results agree to the bit). */
function sum (xs: Float64Array): number {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i]
  return s
}

function diffSum (xs: Float64Array, ys: Float64Array): number {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i] - ys[i]
  return s
}

/** Bootstrap statistics (means over n draws with replacement), per run and per pair. */
function bootstrap (n: number, ex: Float64Array[], f1: Float64Array[], pairs: Array<[number, number]>, opts: CompareOptions) {
  if (n === 0) return null
  const B = opts.resamples
  const rand = mulberry32(opts.seed)
  const res = { f1: f1.map(() => new Float64Array(B)), exDiff: pairs.map(() => new Float64Array(B)), f1Diff: pairs.map(() => new Float64Array(B)) }
  const draw = new Int32Array(n)
  for (let r = 0; r < B; r++) {
    for (let i = 0; i < n; i++) draw[i] = Math.floor(rand() * n)
    f1.forEach((xs, k) => {
      let s = 0
      for (let i = 0; i < n; i++) s += xs[draw[i]]
      res.f1[k][r] = s / n
    })
    pairs.forEach(([a, b], p) => {
      let se = 0; let sf = 0
      for (let i = 0; i < n; i++) {
        const j = draw[i]
        se += ex[b][j] - ex[a][j]
        sf += f1[b][j] - f1[a][j]
      }
      res.exDiff[p][r] = se / n
      res.f1Diff[p][r] = sf / n
    })
  }
  return res
}
