/**
 * SQL sandbox overhead: the bird-sample dev gold queries through the SqlSandbox pool
 * (default size, all queries submitted at once) against the same queries run one after
 * another in this process with plain better-sqlite3 (same read-only settings and the same
 * double-quoted-string handling, without which 173 of them fail). Both are
 * warmed first and measured in the same run.
 *
 *   npx tsx bench/sandbox-overhead.ts [rounds]
 */
import { readFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { sameResultSet, prepareLikePython, SqlSandbox } from '@t2s/core/sql'
import { sharedDataDir } from '../test/helpers/shared-data.js'
import { machine } from './machine.js'

const MAX_ROWS = 1_000_000
const birdSample = join(sharedDataDir(), 'bird-sample')
const rounds = Number(process.argv[2] ?? 15)

interface Query { dbPath: string, sql: string }

const questions = JSON.parse(readFileSync(join(birdSample, 'dev.json'), 'utf8')) as Array<{ db_id: string, SQL: string }>
const queries: Query[] = questions.map((q) => ({
  dbPath: join(birdSample, 'dev_databases', q.db_id, `${q.db_id}.sqlite`),
  sql: q.SQL
}))

const connections = new Map<string, Database.Database>()
function direct (q: Query): unknown[][] {
  let db = connections.get(q.dbPath)
  if (db === undefined) {
    db = new Database(q.dbPath, { readonly: true, fileMustExist: true })
    db.pragma('query_only = ON')
    connections.set(q.dbPath, db)
  }
  // The same double-quoted-string handling as the sandbox (see dqs.ts).
  return prepareLikePython(db, q.sql).stmt.raw().all() as unknown[][]
}

function runDirect (): number {
  const start = performance.now()
  for (const q of queries) direct(q)
  return performance.now() - start
}

async function runPool (sandbox: SqlSandbox): Promise<number> {
  const start = performance.now()
  const results = await Promise.all(queries.map((q) => sandbox.execute(q.dbPath, q.sql, { maxRows: MAX_ROWS })))
  const took = performance.now() - start
  const failed = results.filter((r) => r.status !== 'ok')
  if (failed.length > 0) throw new Error(`${failed.length} gold queries failed in the sandbox: ${failed[0].error}`)
  return took
}

async function runSequential (sandbox: SqlSandbox): Promise<number> {
  const start = performance.now()
  for (const q of queries) await sandbox.execute(q.dbPath, q.sql, { maxRows: MAX_ROWS })
  return performance.now() - start
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const best = (xs: number[]): number => Math.min(...xs)

const fmt = (ms: number): string => ms.toFixed(1)
const qps = (ms: number): string => (queries.length / (ms / 1000)).toFixed(0)

const sandbox = new SqlSandbox()
const bootStart = performance.now()
await sandbox.ready()
const bootMs = performance.now() - bootStart

// Warm-up, and a check that both paths give the same results.
let mismatches = 0
for (const q of queries) {
  const r = await sandbox.execute(q.dbPath, q.sql, { maxRows: MAX_ROWS })
  if (r.status !== 'ok' || !sameResultSet(r.rows, direct(q) as never)) mismatches++
}
runDirect()
await runPool(sandbox)

const directMs: number[] = []
const poolMs: number[] = []
const seqMs: number[] = []
for (let i = 0; i < rounds; i++) {
  directMs.push(runDirect())
  poolMs.push(await runPool(sandbox))
  seqMs.push(await runSequential(sandbox))
}
await sandbox.close()
for (const db of connections.values()) db.close()

const row = (name: string, xs: number[]): string => {
  const m = median(xs)
  const b = best(xs)
  return `| ${name} | ${fmt(m)} | ${qps(m)} | ${(m / median(directMs)).toFixed(2)}x | ${fmt(b)} | ${(b / best(directMs)).toFixed(2)}x |`
}
console.log(`machine: ${machine()} (availableParallelism ${availableParallelism()}); load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`)
console.log(`queries: ${queries.length} bird-sample dev gold queries, ${connections.size} databases; results identical: ${mismatches === 0 ? 'yes' : `no (${mismatches} differ)`}`)
console.log(`pool: ${sandbox.stats().size} children, ready in ${fmt(bootMs)} ms; ${rounds} interleaved rounds after warm-up`)
console.log('')
console.log('| path | median ms | queries/s | vs direct | best ms | best vs best |')
console.log('|---|---:|---:|---:|---:|---:|')
console.log(row('direct better-sqlite3, one process, sequential', directMs))
console.log(row('SqlSandbox pool, all submitted at once', poolMs))
console.log(row('SqlSandbox pool, one query at a time', seqMs))
