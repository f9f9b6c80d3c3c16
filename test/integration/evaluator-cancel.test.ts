// Cancel that stops the work, and fair sharing between evaluations, through the whole stack:
// runaway predictions hold the evaluator's sandbox processes; a cancel kills them, and a
// small evaluation submitted behind a large one does not wait for it.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { addOneDbSource } from '../helpers/sources.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/processes.js'
import { cpuTicks, isRunning, sandboxPids, sha256 } from '../../services/core/test/sql/helpers.js'

const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'
const GOLD = 'SELECT count(*) FROM singer'
const FAST = 4
const SEP = '\t----- bird -----\t'
/** The official predictions file's shape: {"0": "SQL\t----- bird -----\tdb_id", ...}. */
const official = (sqls: string[]) => Object.fromEntries(sqls.map((sql, i) => [String(i), `${sql}${SEP}r`]))

describe('evaluations: cancel stops the work; a small job is not queued behind a large one', { skip: process.platform !== 'linux' && 'needs /proc', timeout: 300_000 }, () => {
  let stack: Stack
  let dbPath: string
  let dbSha: string
  const evaluatorPid = () => stack.procs.get('evaluator')!.child.pid!
  const post = async (payload: object) => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload })
    assert.equal(res.statusCode, 202, res.body)
    return res.json() as { id: string, job_id: string }
  }
  const report = async (id: string) => (await stack.gateway.inject({ url: `/v1/evaluations/${id}`, headers: AUTH })).json()
  const items = async (id: string) => (await stack.gateway.inject({ url: `/v1/evaluations/${id}/items?limit=1000`, headers: AUTH })).json().items as Array<{ index: number, status: string }>
  const job = async (id: string) => (await stack.gateway.inject({ url: `/v1/jobs/${id}`, headers: AUTH })).json()

  before(async () => {
    stack = await startStack(['dataset', 'evaluator'], { EVAL_SANDBOX_PROCESSES: '2' })
    const questions = Array.from({ length: 24 }, (_v, i) => ({ question_id: i, db_id: 'r', question: `q ${i}`, evidence: '', SQL: GOLD, difficulty: 'simple' }))
    ;({ dbPath, sha256: dbSha } = await addOneDbSource(stack, 'runaway', 'r', (db) => db.exec("CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO singer (name) VALUES ('Joe'), ('Ann'), ('Tim')"), questions))
  })
  after(async () => {
    if (stack !== undefined) assert.equal(sha256(dbPath), dbSha, 'the database file changed')
    await stack?.stop()
  })

  test('a 1-question evaluation submitted behind a runaway-heavy one finishes first', async () => {
    // 24 runaways of 3 s on 2 processes: about 36 s of work ahead of the small job in FIFO order.
    const big = await post({ source: 'runaway', predictions: official(Array.from({ length: 24 }, () => RUNAWAY)), timeout_s: 3 })
    await waitFor(async () => (await job(big.job_id)).status === 'running' && sandboxBusy(evaluatorPid()), 60_000)
    const small = await post({ source: 'runaway', predictions: official([GOLD]), limit: 1, timeout_s: 3 })
    const done = await stack.waitJob(small.job_id, 120_000)
    assert.equal(done.status, 'succeeded')
    const bigNow = await job(big.job_id)
    assert.equal(bigNow.status, 'running', 'the large evaluation should still be running when the small one has finished')
    assert.ok(bigNow.progress.done < 24)
    assert.equal((await report(small.id)).ex.total, 100)
    await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${big.job_id}/cancel`, headers: AUTH })
    assert.equal((await stack.waitJob(big.job_id)).status, 'cancelled')
  })

  test('cancel kills the running queries, starts no more and scores nothing after it; the report is final', async () => {
    // Two started, idle processes (the previous test's replacements are up): the same pids
    // burning CPU below can only be running this job's runaways.
    const idle = await waitFor(async () => {
      const pids = sandboxPids(evaluatorPid())
      if (pids.length !== 2) return false
      const before = pids.map(cpuTicks)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      const same = sandboxPids(evaluatorPid())
      return same.length === 2 && same.every((pid, i) => pid === pids[i] && cpuTicks(pid) === before[i]) ? pids : false
    }, 60_000)
    const idleTicks = idle.map(cpuTicks)
    // Four quick correct questions, then runaways that would run for 120 s each.
    const ev = await post({ source: 'runaway', predictions: official(Array.from({ length: 24 }, (_v, i) => i < FAST ? GOLD : RUNAWAY)), timeout_s: 120 })
    await waitFor(async () => (await items(ev.id)).length >= FAST && idle.every((pid, i) => cpuTicks(pid) >= idleTicks[i] + 30), 60_000)
    const busy = idle
    const res = await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${ev.job_id}/cancel`, headers: AUTH })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().status, 'cancelled')
    // The runaways had 120 s to go: only the cancel ends their processes now, and new ones replace them.
    await waitFor(async () => busy.every((pid) => !isRunning(pid)), 30_000)
    await waitFor(async () => sandboxPids(evaluatorPid()).length === 2 && !sandboxBusy(evaluatorPid()), 30_000)
    const scored = await items(ev.id)
    const first = await report(ev.id)
    // Nothing more lands: wait well past the moment anything in flight could have been committed.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    assert.deepEqual(await items(ev.id), scored)
    const final = await report(ev.id)
    assert.equal(final.status, 'cancelled')
    assert.deepEqual({ ...final, timing: null }, { ...first, timing: null })
    assert.equal(final.counts.total, scored.length)
    assert.ok(scored.every((it) => it.status === 'correct' && it.index < FAST), JSON.stringify(scored))
    assert.equal(scored.length, FAST)
  })
})

/** Whether a process is burning CPU now (state R in /proc). */
function busyPid (pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('R') === true
  } catch {
    return false
  }
}

/** Whether any sandbox child of `ppid` is burning CPU now. */
const sandboxBusy = (ppid: number): boolean => sandboxPids(ppid).some(busyPid)
