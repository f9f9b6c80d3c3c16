import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import {
  DB_NOT_FOUND, NO_STATEMENT, QUEUE_FULL, QUEUE_WAIT, SANDBOX_CLOSED, SqlSandbox
} from '../../src/sql/sandbox.js'
import { devDb, isRunning, makeDb, needsBirdSample, sandboxPids, tempDir, waitFor } from './helpers.js'

const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c'

describe('SqlSandbox: results', () => {
  const tmp = tempDir()
  const sandbox = new SqlSandbox({ size: 2 })
  let typesDb: string

  before(async () => {
    typesDb = makeDb(join(tmp.dir, 'types.db'), `
      CREATE TABLE v (i INTEGER, r REAL, s TEXT, b BLOB);
      INSERT INTO v VALUES (42, 1.0, 'Abc', x'00ff'), (9007199254740993, 0.1, '', x''),
        (-9223372036854775808, 2.5, '1', NULL), (9007199254740991, -0.0, 'é', NULL);
      CREATE TABLE n (i INTEGER);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 10) INSERT INTO n SELECT i FROM c;
      CREATE TABLE big (s TEXT);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 100) INSERT INTO big SELECT printf('%.100000c', 'x') FROM c;
    `)
    await sandbox.ready()
  })
  after(async () => {
    await sandbox.close()
    tmp.cleanup()
  })

  test('runs a gold query on a bird-sample database', { skip: needsBirdSample }, async () => {
    const r = await sandbox.execute(devDb('concert_singer'), 'SELECT count(*) FROM singer')
    assert.equal(r.status, 'ok')
    assert.deepEqual(r.columns, ['count(*)'])
    assert.deepEqual(r.rows, [[6]])
    assert.equal(r.truncated, false)
    assert.ok(r.elapsed_ms >= 0)
  })

  test('keeps integers exact and value types apart', async () => {
    const r = await sandbox.execute(typesDb, 'SELECT i, r, s, b FROM v ORDER BY rowid')
    assert.equal(r.status, 'ok')
    assert.deepEqual(r.columns, ['i', 'r', 's', 'b'])
    const [a, b, c, d] = r.rows
    assert.equal(a[0], 42)
    assert.equal(a[1], 1)
    assert.equal(a[2], 'Abc')
    assert.ok(a[3] instanceof Uint8Array)
    assert.deepEqual([...(a[3] as Uint8Array)], [0, 255])
    assert.equal(b[0], 9007199254740993n)
    assert.equal(b[1], 0.1)
    assert.deepEqual([...(b[3] as Uint8Array)], [])
    assert.equal(c[0], -9223372036854775808n)
    assert.equal(c[2], '1')
    assert.equal(c[3], null)
    assert.equal(d[0], 9007199254740991)
    assert.equal(typeof d[0], 'number')
    assert.equal(d[2], 'é')
    const inf = await sandbox.execute(typesDb, 'SELECT 1e999, -1e999, 9223372036854775807')
    assert.deepEqual(inf.rows, [[Infinity, -Infinity, 9223372036854775807n]])
  })

  test('accepts trailing semicolons, whitespace and comments', async () => {
    for (const sql of ['SELECT 1;', 'SELECT 1 ;  \n', 'SELECT 1; -- done', '/* lead */ SELECT 1;;', '\n-- q\nWITH x AS (SELECT 1) SELECT * FROM x', 'VALUES (1)']) {
      const r = await sandbox.execute(typesDb, sql)
      assert.equal(r.status, 'ok', sql)
      assert.deepEqual(r.rows, [[1]], sql)
    }
  })

  test('caps rows at maxRows and says so', async () => {
    const exact = await sandbox.execute(typesDb, 'SELECT i FROM n', { maxRows: 10 })
    assert.equal(exact.rows.length, 10)
    assert.equal(exact.truncated, false)
    const capped = await sandbox.execute(typesDb, 'SELECT i FROM n ORDER BY i', { maxRows: 3 })
    assert.deepEqual(capped.rows, [[1], [2], [3]])
    assert.equal(capped.truncated, true)
    const none = await sandbox.execute(typesDb, 'SELECT i FROM n', { maxRows: 0 })
    assert.deepEqual(none.rows, [])
    assert.equal(none.truncated, true)
  })

  test('caps the total size of a result', async () => {
    const small = new SqlSandbox({ size: 1, maxResultMb: 1 })
    try {
      // Each row is about 200 kB in memory: 5 fit in 1 MiB.
      const r = await small.execute(typesDb, 'SELECT s FROM big', { maxRows: 1000 })
      assert.equal(r.status, 'ok')
      assert.equal(r.truncated, true)
      assert.equal(r.rows.length, 5)
    } finally {
      await small.close()
    }
  })

  test('reports SQLite errors with their message', async () => {
    const syntax = await sandbox.execute(typesDb, 'SELEC 1')
    assert.equal(syntax.status, 'error')
    assert.match(syntax.error ?? '', /syntax error/)
    const table = await sandbox.execute(typesDb, 'SELECT * FROM nope')
    assert.equal(table.status, 'error')
    assert.equal(table.error, 'no such table: nope')
    const runtime = await sandbox.execute(typesDb, "SELECT json_extract('{', '$')")
    assert.equal(runtime.status, 'error')
    assert.match(runtime.error ?? '', /malformed JSON/)
  })

  test('answers a missing database without its path', async () => {
    const missing = join(tmp.dir, 'missing.sqlite')
    const r = await sandbox.execute(missing, 'SELECT 1')
    assert.equal(r.status, 'error')
    assert.equal(r.error, DB_NOT_FOUND)
    const dir = await sandbox.execute(tmp.dir, 'SELECT 1')
    assert.equal(dir.error, DB_NOT_FOUND)
  })

  test('treats SQL without a statement as an error', async () => {
    for (const sql of ['', '  \n', '-- nothing', ';']) {
      const r = await sandbox.execute(typesDb, sql)
      assert.equal(r.status, 'error', JSON.stringify(sql))
      assert.equal(r.error, NO_STATEMENT)
    }
  })

  test('rejects invalid options', () => {
    assert.throws(() => sandbox.execute(typesDb, 'SELECT 1', { timeoutMs: 0 }), RangeError)
    assert.throws(() => sandbox.execute(typesDb, 'SELECT 1', { maxRows: -1 }), RangeError)
    assert.throws(() => new SqlSandbox({ size: 0 }), RangeError)
  })
})

describe('SqlSandbox: pool', () => {
  const tmp = tempDir()
  let db: string

  before(() => {
    db = makeDb(join(tmp.dir, 'pool.db'), 'CREATE TABLE t (i INTEGER); INSERT INTO t VALUES (1)')
  })
  after(() => tmp.cleanup())

  test('runs queued queries first in, first out', async () => {
    const sandbox = new SqlSandbox({ size: 1 })
    try {
      await sandbox.ready()
      const order: number[] = []
      const runs = [1, 2, 3, 4, 5].map((n) => sandbox.execute(db, `SELECT ${n}`).then((r) => {
        order.push(Number(r.rows[0][0]))
      }))
      assert.deepEqual(sandbox.stats(), { size: 1, alive: 1, busy: 1, queued: 4, restarts: 0, overflow: 0, started: 1, cancelled: 0 })
      await Promise.all(runs)
      assert.deepEqual(order, [1, 2, 3, 4, 5])
      assert.deepEqual(sandbox.stats(), { size: 1, alive: 1, busy: 0, queued: 0, restarts: 0, overflow: 0, started: 5, cancelled: 0 })
    } finally {
      await sandbox.close()
    }
  })

  test('times out a query by replacing its process; the queue keeps draining', async () => {
    const sandbox = new SqlSandbox({ size: 1 })
    try {
      await sandbox.ready()
      const slow = sandbox.execute(db, RUNAWAY, { timeoutMs: 500 })
      const next = sandbox.execute(db, 'SELECT i FROM t')
      assert.equal((await slow).status, 'timeout')
      const r = await next
      assert.equal(r.status, 'ok')
      assert.deepEqual(r.rows, [[1]])
      assert.equal(sandbox.stats().restarts, 1)
    } finally {
      await sandbox.close()
    }
  })

  test('bounds the queue in length and in waiting time', async () => {
    const sandbox = new SqlSandbox({ size: 1, maxQueue: 1, queueWaitMs: 300 })
    try {
      await sandbox.ready()
      const slow = sandbox.execute(db, RUNAWAY, { timeoutMs: 2000 })
      const waiting = sandbox.execute(db, 'SELECT 1')
      const full = await sandbox.execute(db, 'SELECT 2')
      assert.equal(full.status, 'error')
      assert.equal(full.error, QUEUE_FULL)
      const waited = await waiting
      assert.equal(waited.status, 'error')
      assert.equal(waited.error, QUEUE_WAIT)
      assert.equal((await slow).status, 'timeout')
    } finally {
      await sandbox.close()
    }
  })

  test('close() answers pending queries and leaves no process behind', async () => {
    const sandbox = new SqlSandbox({ size: 2 })
    await sandbox.ready()
    const pids = process.platform === 'linux' ? sandboxPids(process.pid) : []
    if (process.platform === 'linux') assert.equal(pids.length, 2)
    const running = sandbox.execute(db, RUNAWAY, { timeoutMs: 60_000 })
    const queued = [1, 2, 3].map(() => sandbox.execute(db, RUNAWAY, { timeoutMs: 60_000 }))
    await sandbox.close()
    for (const r of await Promise.all([running, ...queued])) {
      assert.equal(r.status, 'error')
      assert.equal(r.error, SANDBOX_CLOSED)
    }
    assert.equal(sandbox.stats().alive, 0)
    for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} still running`)
    assert.equal((await sandbox.execute(db, 'SELECT 1')).error, SANDBOX_CLOSED)
    await sandbox.close()
  })

  test('children die with a parent that is SIGKILLed mid-query', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
    const { spawn } = await import('node:child_process')
    const sandboxUrl = new URL('../../src/sql/sandbox.ts', import.meta.url).href
    const script = `
      const { SqlSandbox } = await import(${JSON.stringify(sandboxUrl)})
      const s = new SqlSandbox({ size: 2 })
      await s.ready()
      s.execute(${JSON.stringify(db)}, ${JSON.stringify(RUNAWAY)}, { timeoutMs: 600000 })
      setTimeout(() => console.log('running'), 300)
    `
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on('data', (d: Buffer) => { if (d.toString().includes('running')) resolve() })
      parent.once('exit', () => reject(new Error('parent exited early')))
    })
    const pids = sandboxPids(parent.pid!)
    assert.equal(pids.length, 2)
    parent.kill('SIGKILL')
    assert.ok(await waitFor(() => pids.every((pid) => !isRunning(pid)), 5000), 'sandbox children outlived their parent')
  })
})
