// Admission control of the sandbox pool: callers that have gone are dropped, batch groups
// take turns, interactive queries go first and keep their reserved process, results are
// bounded by bytes, and only allow-listed SQL functions run.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { CANCELLED, SqlSandbox } from '../../src/sql/sandbox.js'
import { ALLOWED_FUNCTIONS } from '../../src/sql/guard.js'
import { isRunning, makeDb, sandboxPids, sha256, tempDir, waitFor } from './helpers.js'

const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c'

describe('SqlSandbox: admission control', { timeout: 600_000 }, () => {
  const tmp = tempDir()
  let db: string
  let dbSha: string

  before(() => {
    db = makeDb(join(tmp.dir, 'a.db'), `
      CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1), (2), (3);
      CREATE TABLE big (s TEXT);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 40) INSERT INTO big SELECT printf('%.100000c', 'x') FROM c;
    `)
    dbSha = sha256(db)
  })
  after(() => {
    assert.equal(sha256(db), dbSha)
    tmp.cleanup()
  })

  test('an aborted caller: its queued query leaves the queue, its running one is killed and replaced', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
    const sandbox = new SqlSandbox({ size: 1 })
    try {
      await sandbox.ready()
      const [pid] = sandboxPids(process.pid)
      const running = new AbortController()
      const queued = new AbortController()
      const a = sandbox.execute(db, RUNAWAY, { timeoutMs: 120_000, signal: running.signal })
      // Later than the few ms in which a second query would be parked in the busy child: b waits in the queue.
      await new Promise((resolve) => setTimeout(resolve, 100))
      const b = sandbox.execute(db, RUNAWAY, { timeoutMs: 120_000, signal: queued.signal })
      await new Promise((resolve) => setTimeout(resolve, 100))
      assert.deepEqual([sandbox.stats().busy, sandbox.stats().queued], [1, 1])
      queued.abort()
      const rb = await b
      assert.deepEqual([rb.status, rb.error], ['error', CANCELLED])
      assert.equal(sandbox.stats().queued, 0)
      running.abort()
      const ra = await a
      assert.deepEqual([ra.status, ra.error], ['error', CANCELLED])
      assert.ok(await waitFor(() => !isRunning(pid), 10_000), 'the process running the cancelled query lives on')
      await sandbox.ready()
      assert.equal(sandbox.stats().restarts, 1)
      // Counted: the queued one never started; both were answered CANCELLED.
      assert.deepEqual([sandbox.stats().started, sandbox.stats().cancelled], [1, 2])
      assert.deepEqual((await sandbox.execute(db, 'SELECT count(*) FROM t')).rows, [[3]])
      // Already aborted: answered at once, nothing queued.
      const gone = await sandbox.execute(db, 'SELECT 1', { signal: AbortSignal.abort() })
      assert.equal(gone.error, CANCELLED)
    } finally {
      await sandbox.close()
    }
  })

  test('batch groups take turns: a group that queues one query behind another group\'s many goes next', async () => {
    const sandbox = new SqlSandbox({ size: 1 })
    try {
      await sandbox.ready()
      const order: string[] = []
      const run = (group: string, i: number) => sandbox.execute(db, `SELECT ${i}`, { group }).then(() => { order.push(`${group}${i}`) })
      const blocker = sandbox.execute(db, RUNAWAY, { timeoutMs: 300, group: 'big' })
      await new Promise((resolve) => setTimeout(resolve, 50))
      const all = [1, 2, 3, 4].map((i) => run('big', i))
      all.push(run('small', 1))
      await Promise.all([blocker, ...all])
      assert.deepEqual(order, ['big1', 'small1', 'big2', 'big3', 'big4'])
    } finally {
      await sandbox.close()
    }
  })

  test('interactive queries go before batch ones and have a process batch work cannot take', async () => {
    const sandbox = new SqlSandbox({ size: 1, interactiveReserve: 1 })
    try {
      await sandbox.ready()
      const batch = [1, 2, 3].map(() => sandbox.execute(db, RUNAWAY, { timeoutMs: 1500, group: 'job' }))
      await new Promise((resolve) => setTimeout(resolve, 200))
      // One batch query runs, two wait: the reserved process stays free for this one.
      assert.deepEqual([sandbox.stats().busy, sandbox.stats().queued], [1, 2])
      const quick = await sandbox.execute(db, 'SELECT count(*) FROM t', { interactive: true })
      assert.equal(quick.status, 'ok')
      assert.equal(sandbox.stats().queued, 2)
      for (const r of await Promise.all(batch)) assert.equal(r.status, 'timeout')
    } finally {
      await sandbox.close()
    }
  })

  test('per-query queue wait: a query whose caller would have given up is dropped', async () => {
    const sandbox = new SqlSandbox({ size: 1 })
    try {
      await sandbox.ready()
      const slow = sandbox.execute(db, RUNAWAY, { timeoutMs: 1500 })
      const waited = await sandbox.execute(db, 'SELECT 1', { queueWaitMs: 200 })
      assert.equal(waited.status, 'error')
      assert.match(waited.error!, /waited too long/)
      assert.equal((await slow).status, 'timeout')
    } finally {
      await sandbox.close()
    }
  })

  test('a result cut by size says so: truncated_reason max_bytes, against max_rows', async () => {
    const sandbox = new SqlSandbox({ size: 1, maxResultMb: 1 })
    try {
      await sandbox.ready()
      const bytes = await sandbox.execute(db, 'SELECT s FROM big')
      assert.deepEqual([bytes.status, bytes.truncated, bytes.truncated_reason], ['ok', true, 'max_bytes'])
      assert.ok(bytes.rows.length < 40)
      const rows = await sandbox.execute(db, 'SELECT i FROM t', { maxRows: 2 })
      assert.deepEqual([rows.truncated, rows.truncated_reason, rows.rows.length], [true, 'max_rows', 2])
      const whole = await sandbox.execute(db, 'SELECT i FROM t')
      assert.deepEqual([whole.truncated, whole.truncated_reason], [false, undefined])
    } finally {
      await sandbox.close()
    }
  })

  test('SQL functions are an allow-list: fts3_tokenizer and other internals are refused, ordinary ones run', async () => {
    const sandbox = new SqlSandbox({ size: 1 })
    try {
      await sandbox.ready()
      for (const sql of ["SELECT fts3_tokenizer('simple')", "SELECT fts3_tokenizer('simple', NULL)", 'SELECT sqlite_compileoption_get(0)', 'SELECT geopoly_area(NULL)', 'SELECT count(*) FROM t WHERE rtreedepth(NULL) IS NULL']) {
        const r = await sandbox.execute(db, sql)
        assert.equal(r.status, 'rejected', `${sql}: ${JSON.stringify(r)}`)
        assert.match(r.error!, /is not an allowed SQL function/)
        assert.deepEqual(r.rows, [])
      }
      const ok = await sandbox.execute(db, "SELECT abs(-2), round(2.5), json_extract('{\"a\":[1,2]}', '$.a[1]'), strftime('%Y', '2024-05-01'), group_concat(i) FROM t")
      assert.equal(ok.status, 'ok', ok.error)
      assert.deepEqual(ok.rows, [[2, 3, 2, '2024', '1,2,3']])
      const win = await sandbox.execute(db, 'SELECT i, row_number() OVER (ORDER BY i DESC), lag(i) OVER (ORDER BY i) FROM t ORDER BY i')
      assert.deepEqual(win.rows, [[1, 3, null], [2, 2, 1], [3, 1, 2]])
      assert.equal(ALLOWED_FUNCTIONS.has('fts3_tokenizer'), false)
    } finally {
      await sandbox.close()
    }
  })
})
