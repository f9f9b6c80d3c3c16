/**
 * SQL extraction on adversarial answers: time per input at 1×, 2× and 4× the size, for each
 * input shape the unit test feeds (services/core/test/llm/extract-sql.test.ts). Linear
 * extraction doubles with the size (ratio ≈ 2); a quadratic one quadruples. Both modes and
 * the teacher filter are run on every input; median of 15 runs after 2 warm-up runs.
 *
 *   npx tsx bench/extract-sql.ts
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { extractSql, recipeTeacherSql } from '@t2s/core/llm'
import { machine } from './machine.js'

// Each shape at scale k is about k × 100 kB, as the unit test's inputs at k = 1.
const shapes: Record<string, (k: number) => string> = {
  'plain text': (k) => 'x'.repeat(100_000 * k),
  'opening fences': (k) => '```sql\n'.repeat(15_000 * k),
  'bare fences': (k) => '```'.repeat(35_000 * k),
  'open quotes': (k) => 'SELECT ' + "'a".repeat(50_000 * k),
  'words and fences': (k) => ('word ' + '```sql x ').repeat(8_000 * k)
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

function timeOnce (text: string): number {
  const t0 = performance.now()
  extractSql(text, 'robust')
  extractSql(text, 'cookbook')
  recipeTeacherSql(text)
  return performance.now() - t0
}

console.log(`machine: ${machine()}; load average ${loadavg()[0].toFixed(2)}`)
console.log('| input | 1× (ms) | 2× (ms) | 4× (ms) | 2×/1× | 4×/2× |')
console.log('|---|---:|---:|---:|---:|---:|')
for (const [name, make] of Object.entries(shapes)) {
  const ms = [1, 2, 4].map((k) => {
    const text = make(k)
    for (let i = 0; i < 2; i++) timeOnce(text)
    return median(Array.from({ length: 15 }, () => timeOnce(text)))
  })
  console.log(`| ${name} | ${ms[0].toFixed(2)} | ${ms[1].toFixed(2)} | ${ms[2].toFixed(2)} | ${(ms[1] / ms[0]).toFixed(2)} | ${(ms[2] / ms[1]).toFixed(2)} |`)
}
