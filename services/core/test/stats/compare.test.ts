import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { compareRuns, type ScoredQuestion } from '../../src/stats/compare.js'
import { mcnemarExact } from '../../src/stats/mcnemar.js'
import { mulberry32 } from '../../src/util/random.js'
import { wilson } from '../../src/stats/intervals.js'

const REFERENCE = fileURLToPath(new URL('./compare_reference.py', import.meta.url))

/** The independent stdlib-Python computation of the same comparison. */
function reference (runs: ScoredQuestion[][], resamples: number, seed: number): unknown {
  const res = spawnSync('python3', [REFERENCE], { input: JSON.stringify({ runs, resamples, seed }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  assert.equal(res.status, 0, res.stderr)
  return JSON.parse(res.stdout)
}

/** Deterministic runs: question q has difficulty by q % 3 (q % 7 == 6: none), correctness by the pattern. */
function run (n: number, correct: (q: number) => boolean, f1: (q: number) => number): ScoredQuestion[] {
  const diffs = ['simple', 'moderate', 'challenging']
  return Array.from({ length: n }, (_, q) => ({ difficulty: q % 7 === 6 ? null : diffs[q % 3], correct: correct(q), soft_f1: correct(q) ? 1 : f1(q) }))
}

test('mulberry32 draws the same stream as its Python restatement, and differs by seed', () => {
  const py = spawnSync('python3', ['-c', 'import sys; sys.path.insert(0, sys.argv[1]); from compare_reference import mulberry32; r = mulberry32(1); print([r() for _ in range(1000)])', fileURLToPath(new URL('.', import.meta.url))], { encoding: 'utf8' })
  assert.equal(py.status, 0, py.stderr)
  const r = mulberry32(1)
  assert.deepEqual(Array.from({ length: 1000 }, () => r()), JSON.parse(py.stdout))
  assert.notEqual(mulberry32(2)(), mulberry32(1)())
})

test('exact McNemar p-values on textbook cases', () => {
  assert.equal(mcnemarExact(0, 0), 1)
  assert.equal(mcnemarExact(3, 3), 1)
  assert.equal(mcnemarExact(0, 5), 2 / 32)
  assert.equal(mcnemarExact(9, 1), 2 * 11 / 1024)
  assert.equal(mcnemarExact(1, 9), mcnemarExact(9, 1))
  // Beyond what a float binomial sum survives: 0 vs 1200 discordant pairs is 2^-1199.
  assert.equal(mcnemarExact(0, 1100), 2 ** -1099)
})

test('Wilson intervals stay inside [0, 1] at 0 % and 100 %, and are empty for n = 0', () => {
  assert.equal(wilson(0, 0), null)
  const zero = wilson(0, 10)!
  assert.equal(zero.low, 0)
  assert.ok(Math.abs(zero.high - 0.27753279986) < 1e-9, String(zero.high))
  const all = wilson(10, 10)!
  assert.ok(Math.abs(all.low - 0.72246720014) < 1e-9, String(all.low))
  assert.equal(all.high, 1)
})

test('compareRuns equals the Python reference to the bit, edge cases included', () => {
  const n = 300
  const a = run(n, (q) => q % 2 === 0, (q) => (q % 5) / 10)
  const b = run(n, (q) => q % 2 === 0 || q % 9 === 1, (q) => (q % 4) / 8)
  const allWrong = run(n, () => false, (q) => (q % 3) / 3)
  const cases: Array<[string, ScoredQuestion[][]]> = [
    ['two different runs', [a, b]],
    ['identical runs (no discordant pairs)', [a, a.map((x) => ({ ...x }))]],
    ['one run all wrong', [a, allWrong]],
    ['three runs', [a, b, allWrong]],
    ['no question of a difficulty', [run(12, (q) => q < 6, () => 0.5).filter((x) => x.difficulty !== 'challenging'), run(12, (q) => q > 3, () => 0.25).filter((x) => x.difficulty !== 'challenging')]],
    ['one question', [[{ difficulty: 'simple', correct: true, soft_f1: 1 }], [{ difficulty: 'simple', correct: false, soft_f1: 0.2 }]]]
  ]
  for (const [name, runs] of cases) {
    const ts = JSON.parse(JSON.stringify(compareRuns(runs, { resamples: 500, seed: 7 })))
    assert.deepEqual(ts, reference(runs, 500, 7), name)
  }
})

test('the figures behave as their definitions say', () => {
  const n = 300
  const a = run(n, (q) => q % 2 === 0, (q) => (q % 5) / 10)
  const same = compareRuns([a, a])
  const t = same.pairs[0].buckets.total
  assert.deepEqual([t.right_to_wrong, t.wrong_to_right, t.mcnemar_p], [0, 0, 1])
  assert.deepEqual(t.ex_diff, { value: 0, low: 0, high: 0 })
  assert.deepEqual(t.soft_f1_diff, { value: 0, low: 0, high: 0 })
  const wrong = compareRuns([a, run(n, () => false, () => 0)])
  const w = wrong.pairs[0].buckets.total
  assert.equal(w.right_to_wrong, 150)
  assert.equal(w.wrong_to_right, 0)
  assert.equal(w.ex_diff.value, -50)
  assert.ok(w.mcnemar_p < 1e-40)
  assert.deepEqual(wrong.runs[1].total.ex, { value: 0, low: 0, high: wrong.runs[1].total.ex.high })
  assert.equal(wrong.runs[1].total.soft_f1.value, 0)
  // Seeded: the same seed gives the same intervals, another seed other ones.
  const b = run(n, (q) => q % 3 === 0, (q) => (q % 4) / 8)
  assert.deepEqual(compareRuns([a, b], { resamples: 300, seed: 1 }), compareRuns([a, b], { resamples: 300, seed: 1 }))
  assert.notDeepEqual(compareRuns([a, b], { resamples: 300, seed: 1 }).pairs[0].buckets.total.soft_f1_diff, compareRuns([a, b], { resamples: 300, seed: 2 }).pairs[0].buckets.total.soft_f1_diff)
})
