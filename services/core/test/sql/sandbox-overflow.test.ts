// Overflow of the sandbox pool: a query that runs long stops counting against the pool, so
// short queries keep a process while it runs; the extra process ends when the long one does.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { SqlSandbox } from '../../src/sql/sandbox.js'
import { readFileSync } from 'node:fs'
import { makeDb, sandboxPids, sha256, tempDir, waitFor } from './helpers.js'

const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c'

describe('SqlSandbox: overflow processes for long queries', { timeout: 300_000 }, () => {
  const tmp = tempDir()
  let db: string
  let dbSha: string

  before(() => {
    db = makeDb(join(tmp.dir, 'a.db'), 'CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2), (3);')
    dbSha = sha256(db)
  })
  after(() => {
    assert.equal(sha256(db), dbSha)
    tmp.cleanup()
  })

  test('a runaway past longQueryMs gets a process added beside it; a short query runs there while the runaway still runs', async () => {
    const sandbox = new SqlSandbox({ size: 1, overflow: 1, longQueryMs: 200 })
    try {
      await sandbox.ready()
      let runawayDone = false
      const runaway = sandbox.execute(db, RUNAWAY, { timeoutMs: 120_000 })
      void runaway.then(() => { runawayDone = true })
      // By state, not time: the pool reports the added process once the runaway counts as long.
      assert.ok(await waitFor(() => sandbox.stats().overflow === 1, 30_000), 'no process was added for the long query')
      const short = await sandbox.execute(db, 'SELECT sum(i) FROM t', { timeoutMs: 30_000 })
      assert.deepEqual([short.status, short.rows], ['ok', [[6]]])
      assert.equal(runawayDone, false, 'the short query was answered while the runaway still held the first process')
      // A second long query may not add another: overflow is 1.
      const second = sandbox.execute(db, RUNAWAY, { timeoutMs: 1500 })
      assert.equal((await second).status, 'timeout')
      assert.ok(sandbox.stats().alive <= 2, `alive ${sandbox.stats().alive}`)
      await sandbox.close()
      assert.equal((await runaway).status, 'error')
    } finally {
      await sandbox.close()
    }
  })

  test('when the long query ends, its extra process ends with it: back to the pool size, no restart counted', async () => {
    const sandbox = new SqlSandbox({ size: 1, overflow: 2, longQueryMs: 200 })
    try {
      await sandbox.ready()
      const slow = sandbox.execute(db, RUNAWAY, { timeoutMs: 1500 })
      assert.ok(await waitFor(() => sandbox.stats().overflow === 1, 30_000))
      assert.equal((await slow).status, 'timeout')
      assert.ok(await waitFor(() => sandbox.stats().alive === 1, 30_000), JSON.stringify(sandbox.stats()))
      await sandbox.ready()
      assert.deepEqual(sandbox.stats(), { size: 1, alive: 1, busy: 0, queued: 0, restarts: 0, overflow: 0, started: 1, cancelled: 0 })
      // A query that ends by itself after running long: same.
      const finite = await sandbox.execute(db, 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 10000000) SELECT count(*) FROM c', { timeoutMs: 60_000 })
      assert.deepEqual(finite.rows, [[10000000]])
      assert.ok(await waitFor(() => sandbox.stats().alive === 1, 30_000), JSON.stringify(sandbox.stats()))
      assert.deepEqual((await sandbox.execute(db, 'SELECT count(*) FROM t')).rows, [[3]])
    } finally {
      await sandbox.close()
    }
  })

  test('a query runs at the parent\'s priority until it runs long; then its process is reniced, and replaced once the query ends', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
    const sandbox = new SqlSandbox({ size: 1, niceness: 10, longQueryMs: 100 })
    try {
      await sandbox.ready()
      const [first] = sandboxPids(process.pid)
      assert.equal(nice(first), nice(process.pid))
      const finite = sandbox.execute(db, 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 10000000) SELECT count(*) FROM c', { timeoutMs: 120_000 })
      assert.ok(await waitFor(() => nice(first) === 10, 30_000), 'the long query\'s process was not reniced')
      assert.deepEqual((await finite).rows, [[10000000]])
      // Replaced by a process at the parent's priority, not counted as a restart.
      assert.ok(await waitFor(() => { const pids = sandboxPids(process.pid); return pids.length === 1 && pids[0] !== first }, 30_000))
      await sandbox.ready()
      assert.equal(nice(sandboxPids(process.pid)[0]), nice(process.pid))
      assert.equal(sandbox.stats().restarts, 0)
      assert.deepEqual((await sandbox.execute(db, 'SELECT count(*) FROM t')).rows, [[3]])
    } finally {
      await sandbox.close()
    }
  })

  test('overflow 0 (the default) adds nothing', async () => {
    const sandbox = new SqlSandbox({ size: 1, longQueryMs: 100 })
    try {
      await sandbox.ready()
      const slow = sandbox.execute(db, RUNAWAY, { timeoutMs: 800 })
      assert.equal((await slow).status, 'timeout')
      assert.equal(sandbox.stats().overflow, 0)
      assert.throws(() => new SqlSandbox({ overflow: -1 }), /overflow must be a non-negative integer/)
    } finally {
      await sandbox.close()
    }
  })
})

/** Scheduling niceness of a process, from /proc. */
function nice (pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[16])
}
