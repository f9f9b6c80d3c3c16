import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()

describe('POST /v1/sql/execute through the sandbox', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  const run = async (sql: string, extra: object = {}) => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'dev', db_id: 'world_1', sql, ...extra } })
    assert.equal(res.statusCode, 200, res.body)
    return res.json()
  }
  const dbDir = () => join(data!, 'bird-sample', 'dev_databases', 'world_1')
  const sha = () => createHash('sha256').update(readFileSync(join(dbDir(), 'world_1.sqlite'))).digest('hex')

  before(async () => {
    stack = await startStack(['dataset'], { T2S_SOURCE_ROOTS: data! })
    await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
  })
  after(async () => { await stack?.stop() })

  test('a query returns columns and rows; unknown source and database are 404', async () => {
    const r = await run('SELECT Name, Population FROM country ORDER BY Population DESC LIMIT 2')
    assert.equal(r.status, 'ok')
    assert.deepEqual(r.columns, ['Name', 'Population'])
    assert.equal(r.rows.length, 2)
    let res = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'nope', db_id: 'world_1', sql: 'SELECT 1' } })
    assert.equal(res.statusCode, 404)
    res = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'dev', db_id: 'nope', sql: 'SELECT 1' } })
    assert.equal(res.statusCode, 404)
    assert.match(res.json().detail, /no database "nope"/)
    res = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'dev', db_id: '../x', sql: 'SELECT 1' } })
    assert.equal(res.statusCode, 400)
  })

  test('a runaway recursive query times out at its deadline while the suite keeps answering', async () => {
    const started = Date.now()
    const runaway = run('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c', { timeout_ms: 2000 })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const t0 = Date.now()
    const health = await stack.gateway.inject('/healthz')
    assert.equal(health.statusCode, 200)
    assert.ok(Date.now() - t0 < 200, 'healthz answers within 200 ms')
    const t1 = Date.now()
    const list = await stack.gateway.inject({ url: '/v1/sources', headers: AUTH })
    assert.equal(list.statusCode, 200)
    assert.ok(Date.now() - t1 < 500, 'the dataset service answers while a query runs')
    const r = await runaway
    assert.equal(r.status, 'timeout')
    assert.ok(Date.now() - started < 2000 + 1000 + 500, `timed out in ${Date.now() - started} ms`)
    const after = await run('SELECT count(*) FROM city')
    assert.equal(after.status, 'ok')
  })

  test('writes, ATTACH, VACUUM INTO, PRAGMA assignments and stacked statements are refused before they run', async () => {
    const before = sha()
    const listing = () => [readdirSync(dbDir()).sort().join(','), readdirSync(tmpdir()).filter((f) => f.startsWith('stolen')).join(','), readdirSync(process.cwd()).sort().join(',')]
    const filesBefore = listing()
    const stolen = join(tmpdir(), 'stolen.db')
    const hostile = [
      'DELETE FROM city', 'DROP TABLE city', "INSERT INTO city (Name) VALUES ('x')", "UPDATE city SET Name = 'x'",
      'CREATE TABLE x (a)', 'ALTER TABLE city ADD COLUMN x', 'REPLACE INTO city (ID) VALUES (1)', 'VACUUM',
      `VACUUM INTO '${stolen}'`, 'REINDEX', 'ANALYZE', 'PRAGMA query_only=0', 'PRAGMA journal_mode=DELETE', 'BEGIN IMMEDIATE',
      `ATTACH '${join(dbDir(), 'world_1.sqlite')}' AS other`, 'DETACH other', "SELECT load_extension('x')",
      'WITH x AS (SELECT 1) DELETE FROM city', 'SELECT 1; DROP TABLE city'
    ]
    for (const sql of hostile) {
      const r = await run(sql)
      assert.ok(['rejected', 'error'].includes(r.status), `${sql} → ${r.status}`)
      assert.equal(r.rows.length, 0)
    }
    assert.equal(sha(), before)
    assert.deepEqual(listing(), filesBefore)
  })

  test('a three-way cartesian product comes back truncated at max_rows or as a timeout', async () => {
    const r = await run('SELECT * FROM city a, city b, city c', { max_rows: 500, timeout_ms: 5000 })
    assert.ok(r.status === 'timeout' || (r.status === 'ok' && r.truncated && r.rows.length === 500), `${r.status} ${r.rows.length}`)
    const sorted = await run('SELECT a.ID FROM city a, city b, city c ORDER BY a.Name, b.Name, c.Name', { max_rows: 500, timeout_ms: 3000 })
    assert.ok(sorted.status === 'timeout' || (sorted.truncated && sorted.rows.length === 500))
  })
  test('a result larger than one reply is cut to fit: 200 with truncated_reason max_bytes, never a 500', async () => {
    // 40 rows of 100,000 characters: 4 MB of JSON against the test server's 1 MiB max_payload.
    const r = await run("SELECT ID, printf('%.100000c', 'x') AS s FROM city ORDER BY ID LIMIT 40", { max_rows: 1000 })
    assert.equal(r.status, 'ok')
    assert.equal(r.truncated, true)
    assert.equal(r.truncated_reason, 'max_bytes')
    assert.ok(r.rows.length > 0 && r.rows.length < 40, `${r.rows.length} rows`)
    assert.deepEqual(r.rows.map((row: unknown[]) => row[0]), Array.from({ length: r.rows.length }, (_v, i) => i + 1))
    const rows = await run('SELECT ID FROM city ORDER BY ID', { max_rows: 3 })
    assert.deepEqual([rows.truncated, rows.truncated_reason], [true, 'max_rows'])
  })

  test('fts3_tokenizer and other functions outside the allow-list are rejected', async () => {
    for (const sql of ["SELECT fts3_tokenizer('simple')", 'SELECT sqlite_compileoption_get(0)']) {
      const r = await run(sql)
      assert.equal(r.status, 'rejected', JSON.stringify(r))
      assert.deepEqual(r.rows, [])
    }
    assert.deepEqual((await run("SELECT upper('a'), abs(-1)")).rows, [['A', 1]])
  })

  test('timeout_ms is capped at 10 s; 8 parallel runaways leave SELECT 1 a clear answer, never a 504', async () => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'dev', db_id: 'world_1', sql: 'SELECT 1', timeout_ms: 60_000 } })
    assert.equal(res.statusCode, 400)
    assert.match(res.json().detail, /timeout_ms/)
    const post = async (sql: string, timeoutMs: number) => await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'dev', db_id: 'world_1', sql, timeout_ms: timeoutMs } })
    const runaways = Array.from({ length: 8 }, async () => await post('WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c', 10_000))
    await new Promise((resolve) => setTimeout(resolve, 500))
    // The gateway gives SELECT 1 its timeout + 15 s; the service answers well before that.
    const one = await post('SELECT 1', 1000)
    assert.ok(one.statusCode === 200 || one.statusCode === 503, `${one.statusCode} ${one.body}`)
    if (one.statusCode === 200) assert.deepEqual(one.json().rows, [[1]])
    else assert.match(one.json().detail, /waited too long for a free SQL sandbox process; retry later/)
    for (const r of await Promise.all(runaways)) {
      assert.ok(r.statusCode === 200 || r.statusCode === 503, `${r.statusCode} ${r.body}`)
      if (r.statusCode === 200) assert.equal(r.json().status, 'timeout')
    }
  })
})
