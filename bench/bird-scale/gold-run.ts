/**
 * Runs the 1,534 real BIRD dev gold queries on the generated databases, in the SQL sandbox
 * (pool of os.availableParallelism() processes, 30 s per query as the official scorer's
 * meta_time_out), and reports how many run without error, how many return rows, and the
 * distribution of their run times. Writes bench/out/bird-scale/gold-run.json.
 *
 *   npx tsx bench/bird-scale/gold-run.ts [--timeout-s 30]
 */
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { SqlSandbox } from '@t2s/core/sql'
import { machine } from '../machine.js'
import { OUT, dbPath, devQuestions, digests, percentile, requireDatabases, sameDigests } from './common.js'

const { values } = parseArgs({ options: { 'timeout-s': { type: 'string', default: '30' } } })
requireDatabases()
const timeoutMs = Number(values['timeout-s']) * 1000
const questions = devQuestions()
const before = digests()
console.log(`machine: ${machine()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`)
const sandbox = new SqlSandbox()
await sandbox.ready()
const started = Date.now()
const results = await Promise.all(questions.map(async (q, i) => {
  const r = await sandbox.execute(dbPath(q.db_id), q.SQL, { timeoutMs, maxRows: 1_000_000 })
  // Informative: some cell is neither NULL nor 0 (COUNT(*) = 0 and MAX() = NULL say nothing was found).
  const informative = r.rows.some((row) => row.some((v) => v !== null && v !== 0 && v !== 0n))
  return { i, db_id: q.db_id, status: r.status, rows: r.rows.length, informative, ms: r.elapsed_ms, error: r.error }
}))
const wall = (Date.now() - started) / 1000
await sandbox.close()
const after = digests()

const count = (f: (r: typeof results[number]) => boolean): number => results.filter(f).length
const ok = results.filter((r) => r.status === 'ok')
const times = ok.map((r) => r.ms).sort((a, b) => a - b)
const pct = (n: number): string => `${n} (${(100 * n / results.length).toFixed(1)} %)`
console.log(`gold queries: ${results.length}; wall ${wall.toFixed(1)} s`)
console.log(`ran without error: ${pct(ok.length)}; returned ≥ 1 row: ${pct(count((r) => r.status === 'ok' && r.rows > 0))}; ` +
  `with a value other than NULL or 0: ${pct(count((r) => r.informative))}; errors: ${count((r) => r.status === 'error')}; timeouts: ${count((r) => r.status === 'timeout')}`)
console.log(`run time of those that ran, ms: p50 ${percentile(times, 50).toFixed(2)}, p90 ${percentile(times, 90).toFixed(2)}, p99 ${percentile(times, 99).toFixed(2)}, max ${times.at(-1)?.toFixed(1)}`)
const buckets = [1, 10, 100, 1000, 10000, Infinity]
let lo = 0
for (const b of buckets) {
  console.log(`  ${lo} ms ≤ t < ${b} ms: ${times.filter((t) => t >= lo && t < b).length}`)
  lo = b
}
for (const r of results.filter((x) => x.status !== 'ok')) console.log(`  #${r.i} ${r.db_id} ${r.status}: ${r.error}`)
console.log(`database files unchanged (sha256): ${sameDigests(before, after)}`)
writeFileSync(join(OUT, 'gold-run.json'), JSON.stringify({ machine: machine(), timeout_ms: timeoutMs, wall_s: wall, unchanged: sameDigests(before, after), results }, null, 1) + '\n')
if (!sameDigests(before, after)) process.exit(1)
