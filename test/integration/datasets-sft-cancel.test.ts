// Cancel of an SFT build during its gold screen: the sandbox processes running its gold
// queries are killed and replaced, no more gold runs, and no verdict is kept for it.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { addOneDbSource } from '../helpers/sources.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/processes.js'
import { cpuTicks, isRunning, sandboxPids, sha256 } from '../../services/core/test/sql/helpers.js'

const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'

describe('SFT build: cancel during the gold screen', { skip: process.platform !== 'linux' && 'needs /proc', timeout: 240_000 }, () => {
  let stack: Stack
  let dbPath: string
  let dbSha: string
  const datasetPid = () => stack.procs.get('dataset')!.child.pid!
  const verdicts = (): number => {
    const db = new Database(join(stack.dataDir, 'dataset', 'state.db'), { readonly: true, fileMustExist: true })
    try {
      return db.prepare('SELECT count(*) FROM gold_checks').pluck().get() as number
    } finally {
      db.close()
    }
  }

  before(async () => {
    stack = await startStack(['dataset'])
    // Golds that would each run for the screen's whole 30 s limit.
    const questions = Array.from({ length: 12 }, (_v, i) => ({ question_id: i, db_id: 's', question: `q ${i}`, evidence: '', SQL: `${RUNAWAY} -- ${i}` }))
    ;({ dbPath, sha256: dbSha } = await addOneDbSource(stack, 'screen', 's', (db) => db.exec('CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1)'), questions))
  })
  after(async () => {
    if (stack !== undefined) assert.equal(sha256(dbPath), dbSha, 'the database file changed')
    await stack?.stop()
  })

  test('the processes running its golds die, none runs after the cancel, no verdict is kept', async () => {
    const start = sandboxPids(datasetPid()).map((pid) => [pid, cpuTicks(pid)] as const)
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload: { source: 'screen', kind: 'sft', gold_check: 'drop' } })
    assert.equal(res.statusCode, 202, res.body)
    const jobId = res.json().job_id as string
    // The gold screen runs two golds at a time (the third process is kept for /v1/sql/execute).
    const busy = await waitFor(async () => {
      const burning = start.filter(([pid, ticks]) => cpuTicks(pid) >= ticks + 30).map(([pid]) => pid)
      return burning.length === 2 ? burning : false
    }, 60_000)
    const cancel = await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${jobId}/cancel`, headers: AUTH })
    assert.equal(cancel.json().status, 'cancelled')
    // The golds had up to 30 s left: only the cancel ends these processes now.
    await waitFor(async () => busy.every((pid) => !isRunning(pid)), 20_000)
    // Then the pool is whole again and idle: no gold of the cancelled job starts on the replacements
    // (a gold that did would burn CPU for its 30 s, longer than this wait).
    await waitFor(async () => {
      const pids = sandboxPids(datasetPid())
      if (pids.length !== 3) return false
      const ticks = pids.map(cpuTicks)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      return pids.every((pid, i) => cpuTicks(pid) <= ticks[i] + 5)
    }, 25_000)
    assert.equal(verdicts(), 0)
    assert.equal((await stack.waitJob(jobId)).status, 'cancelled')
    const r = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'screen', db_id: 's', sql: 'SELECT count(*) FROM t' } })
    assert.deepEqual(r.json().rows, [[1]], r.body)
  })
})
