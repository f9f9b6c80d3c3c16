import assert from 'node:assert/strict'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { after, before, describe, test } from 'node:test'
import { OUT_OF_MEMORY, SqlSandbox, type ExecResult } from '../../src/sql/sandbox.js'
import { devDb, makeDb, needsBirdSample, tempDir } from './helpers.js'

const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c'
const MB = 1024 * 1024

/** Largest gap between ticks of a 20 ms interval while `work` runs. */
async function maxTickGap<T> (work: () => Promise<T>): Promise<{ value: T, gap: number }> {
  let last = performance.now()
  let gap = 0
  const ticker = setInterval(() => {
    const now = performance.now()
    gap = Math.max(gap, now - last)
    last = now
  }, 20)
  try {
    const value = await work()
    return { value, gap: Math.max(gap, performance.now() - last) }
  } finally {
    clearInterval(ticker)
  }
}

/** Peak growth of this process's RSS while `work` runs. */
async function rssGrowth<T> (work: () => Promise<T>): Promise<{ value: T, growth: number }> {
  const base = process.memoryUsage().rss
  let peak = base
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 20)
  try {
    const value = await work()
    peak = Math.max(peak, process.memoryUsage().rss)
    return { value, growth: peak - base }
  } finally {
    clearInterval(sampler)
  }
}

describe('SqlSandbox: runaway queries', () => {
  const tmp = tempDir()
  const sandbox = new SqlSandbox({ size: 2 })
  let bigDb: string

  before(async () => {
    // 200k rows: a three-way product has 8e15 rows.
    bigDb = makeDb(join(tmp.dir, 'big.db'), `
      CREATE TABLE t (x INTEGER, s TEXT);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 200000)
      INSERT INTO t SELECT i, printf('row-%d', i) FROM c;
    `)
    await sandbox.ready()
  })
  after(async () => {
    await sandbox.close()
    tmp.cleanup()
  })

  // The query never ends by itself: the test's own timeout is the hang guard, the status and restarts say it was killed.
  test('a runaway recursive query times out by the deadline while the event loop keeps ticking', { timeout: 60_000 }, async () => {
    const db = needsBirdSample === false ? devDb('concert_singer') : bigDb
    const deadline = 1500
    const { value: results, gap } = await maxTickGap(() => Promise.all([
      sandbox.execute(db, RUNAWAY, { timeoutMs: deadline }),
      sandbox.execute(bigDb, RUNAWAY, { timeoutMs: deadline })
    ]))
    for (const r of results) {
      assert.equal(r.status, 'timeout')
      assert.ok(r.elapsed_ms >= deadline, `not before its deadline: ${r.elapsed_ms}`)
    }
    // A blocked loop would stall for the whole deadline (1500 ms); the bound leaves room for a loaded machine.
    assert.ok(gap < 500, `event loop stalled for ${gap} ms`)
    const stats = sandbox.stats()
    assert.equal(stats.alive, stats.size)
    assert.equal(stats.restarts, 2)
    await sandbox.ready()
    const after = await sandbox.execute(bigDb, 'SELECT count(*) FROM t')
    assert.deepEqual(after.rows, [[200000]])
  })

  test('a three-way product of 200k rows stops at maxRows, or at the deadline when sorted', async () => {
    const { value, growth } = await rssGrowth(async () => {
      const plain = await sandbox.execute(bigDb, 'SELECT * FROM t a, t b, t c', { timeoutMs: 30_000, maxRows: 1000 })
      const wide = await sandbox.execute(bigDb, 'SELECT * FROM t a, t b, t c', { timeoutMs: 30_000, maxRows: 200_000 })
      const sorted = await sandbox.execute(bigDb, 'SELECT * FROM t a, t b, t c ORDER BY a.x + b.x + c.x DESC', { timeoutMs: 2000, maxRows: 1000 })
      return { plain, wide, sorted }
    })
    assert.equal(value.plain.status, 'ok')
    assert.equal(value.plain.truncated, true)
    assert.equal(value.plain.rows.length, 1000)
    assert.equal(value.plain.columns.length, 6)
    assert.equal(value.wide.status, 'ok')
    assert.equal(value.wide.truncated, true)
    assert.equal(value.wide.rows.length, 200_000)
    assert.ok(value.sorted.status === 'timeout' || (value.sorted.truncated && value.sorted.rows.length === 1000), value.sorted.status)
    assert.ok(growth < 256 * MB, `parent RSS grew ${Math.round(growth / MB)} MB`)
  })

  test('a product of the four largest tables of a bird-sample DB is bounded', { skip: needsBirdSample, timeout: 120_000 }, async () => {
    await sandbox.ready()
    const db = devDb('world_1')
    const product = 'FROM city, countrylanguage, country, city AS c2'
    const deadline = 5000
    const { value: results, growth } = await rssGrowth(() => Promise.all([
      sandbox.execute(db, `SELECT * ${product}`, { timeoutMs: 30_000, maxRows: 10_000 }),
      sandbox.execute(db, `SELECT * ${product} ORDER BY random()`, { timeoutMs: deadline, maxRows: 10_000 })
    ]))
    for (const r of results) {
      assert.ok(r.status === 'timeout' || (r.status === 'ok' && r.truncated && r.rows.length === 10_000), `${r.status} ${r.error}`)
    }
    assert.equal(results[0].status, 'ok')
    assert.ok(growth < 256 * MB, `parent RSS grew ${Math.round(growth / MB)} MB`)
  })
})

describe('SqlSandbox: memory', () => {
  const tmp = tempDir()
  let db: string

  before(() => {
    db = makeDb(join(tmp.dir, 'mem.db'), `
      CREATE TABLE t (x INTEGER);
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 100000) INSERT INTO t SELECT i FROM c;
    `)
  })
  after(() => tmp.cleanup())

  async function recovers (sandbox: SqlSandbox, r: ExecResult): Promise<void> {
    assert.equal(r.status, 'error')
    assert.equal(r.error, OUT_OF_MEMORY)
    assert.equal(sandbox.stats().alive, sandbox.stats().size)
    await sandbox.ready()
    const next = await sandbox.execute(db, 'SELECT count(*) FROM t')
    assert.deepEqual(next.rows, [[100000]])
  }

  test('a child that exhausts its JS heap is reported and replaced', async () => {
    const sandbox = new SqlSandbox({ size: 1, memoryMb: 64, rssLimitMb: 8192, maxResultMb: 8192 })
    try {
      await sandbox.ready()
      const r = await sandbox.execute(db, "SELECT a.x, printf('%.200c', 'x') FROM t a, t b", { maxRows: 100_000_000, timeoutMs: 60_000 })
      await recovers(sandbox, r)
    } finally {
      await sandbox.close()
    }
  })

  test('a child whose SQLite allocations pass the RSS limit is killed and replaced', { skip: process.platform !== 'linux' && 'RSS is read from /proc' }, async () => {
    const sandbox = new SqlSandbox({ size: 1, memoryMb: 64, rssLimitMb: 256 })
    try {
      await sandbox.ready()
      // group_concat grows inside SQLite, outside the V8 heap cap, up to 1 GB.
      const r = await sandbox.execute(db, "SELECT length(group_concat(printf('%.1000c', 'x'))) FROM t a, t b", { timeoutMs: 60_000 })
      await recovers(sandbox, r)
    } finally {
      await sandbox.close()
    }
  })
})
