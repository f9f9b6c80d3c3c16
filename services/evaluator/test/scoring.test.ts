import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import Database from 'better-sqlite3'
import { SqlSandbox } from '@t2s/core/sql'
import { fitToPayload, clipText } from '../src/chunk.js'
import { openEvaluatorDb } from '../src/db.js'
import { GoldCache } from '../src/gold-cache.js'
import { compareResults, Scorer } from '../src/score.js'
import { majorityVote } from '../src/vote.js'

let dir: string
let sandbox: SqlSandbox
let dbPath: string

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 't2s-eval-unit-'))
  dbPath = join(dir, 'bench.sqlite')
  const db = new Database(dbPath)
  db.exec("CREATE TABLE t (id INTEGER, name TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (9007199254740993, 'big'); CREATE TABLE e (x INTEGER)")
  db.close()
  sandbox = new SqlSandbox({ size: 1 })
  await sandbox.ready()
})
after(async () => {
  await sandbox?.close()
  rmSync(dir, { recursive: true, force: true })
})

function counting () {
  let calls = 0
  return { exec: { execute: async (...args: Parameters<SqlSandbox['execute']>) => { calls++; return await sandbox.execute(...args) } }, calls: () => calls }
}

test('statuses: correct, wrong_result, pred_error, rejected, no_sql, gold_error, pred_timeout', async () => {
  const db = openEvaluatorDb(join(dir, 'state-1.db'))
  const scorer = new Scorer(sandbox, new GoldCache(db))
  const s = (predSql: string | null, goldSql = 'SELECT id FROM t', timeoutMs = 5000) =>
    scorer.score({ dbPath, dbSha: 'x', goldSql, predSql, timeoutMs, maxRows: 100 })
  assert.equal((await s('SELECT id FROM t ORDER BY id DESC')).status, 'correct')
  assert.equal((await s('SELECT CAST(id AS REAL) FROM t WHERE id < 3 UNION ALL SELECT 9007199254740993')).status, 'correct')
  assert.equal((await s('SELECT CAST(id AS REAL) FROM t')).status, 'wrong_result', '2^53 + 1 as a float is 2^53')
  assert.equal((await s('SELECT id, name FROM t')).status, 'wrong_result')
  assert.equal((await s('SELECT nope FROM t')).status, 'pred_error')
  assert.equal((await s('DELETE FROM t')).status, 'rejected')
  assert.equal((await s('SELECT 1; SELECT 2')).status, 'rejected')
  assert.equal((await s('  ')).status, 'no_sql')
  assert.equal((await s(null)).status, 'no_sql')
  assert.equal((await s('-- nothing')).status, 'no_sql')
  assert.equal((await s('SELECT 1', 'SELECT nope FROM t')).status, 'gold_error')
  assert.equal((await s('SELECT id FROM t WHERE name = "a"', 'SELECT 1')).status, 'correct', 'double-quoted strings as Python reads them')
  const runaway = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'
  assert.equal((await s(runaway, 'SELECT 1', 500)).status, 'pred_timeout')
  assert.equal((await s('SELECT 1', runaway, 500)).status, 'gold_timeout')
  // Blank and rejected predictions score 0 even where the gold result is empty (the official scorer credits them).
  assert.equal((await s('', 'SELECT * FROM e')).status, 'no_sql')
  assert.equal((await s('DELETE FROM e', 'SELECT * FROM e')).status, 'rejected')
  assert.equal((await s('SELECT * FROM e LIMIT 0', 'SELECT * FROM e')).status, 'correct')
  db.close()
})

test('the gold cache answers a second scorer with no gold query, and respects the time limit', async () => {
  const db = openEvaluatorDb(join(dir, 'state-2.db'))
  const first = counting()
  const a = new Scorer(first.exec, new GoldCache(db))
  const r1 = await a.score({ dbPath, dbSha: 'd1', goldSql: 'SELECT name FROM t', predSql: 'SELECT name FROM t', timeoutMs: 5000, maxRows: 100 })
  assert.equal(r1.goldCached, false)
  assert.equal(first.calls(), 2)
  const second = counting()
  const b = new Scorer(second.exec, new GoldCache(db))
  const r2 = await b.score({ dbPath, dbSha: 'd1', goldSql: 'SELECT name FROM t', predSql: 'SELECT name FROM t', timeoutMs: 5000, maxRows: 100 })
  assert.equal(r2.goldCached, true)
  assert.equal(second.calls(), 1, 'only the prediction ran')
  assert.equal(b.goldExecutions, 0)
  // Another database digest is another key.
  await b.score({ dbPath, dbSha: 'd2', goldSql: 'SELECT name FROM t', predSql: 'SELECT name FROM t', timeoutMs: 5000, maxRows: 100 })
  assert.equal(b.goldExecutions, 1)
  // A timeout under 300 ms says nothing about a 1 s limit.
  const runaway = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'
  await b.score({ dbPath, dbSha: 'd1', goldSql: runaway, predSql: 'SELECT 1', timeoutMs: 300, maxRows: 100 })
  assert.equal((await b.score({ dbPath, dbSha: 'd1', goldSql: runaway, predSql: 'SELECT 1', timeoutMs: 300, maxRows: 100 })).goldCached, true)
  assert.equal((await b.score({ dbPath, dbSha: 'd1', goldSql: runaway, predSql: 'SELECT 1', timeoutMs: 600, maxRows: 100 })).goldCached, false)
  // Questions sharing a gold SQL that arrive together run it once.
  const c = counting()
  const sc = new Scorer(c.exec, new GoldCache(db))
  await Promise.all([1, 2, 3].map(async () => await sc.score({ dbPath, dbSha: 'd3', goldSql: 'SELECT id FROM t', predSql: 'SELECT id FROM t', timeoutMs: 5000, maxRows: 100 })))
  assert.equal(sc.goldExecutions, 1)
  db.close()
})

test('a prediction cut at the row limit is wrong when a row is not gold, otherwise not comparable', () => {
  assert.equal(compareResults([[1], [5]], [[1], [2]], true, 2, false).status, 'wrong_result')
  assert.equal(compareResults([[1], [1]], [[1], [2]], true, 2, false).status, 'pred_error')
  assert.equal(compareResults([[1], [1], [2]], [[2], [1]], false, 10, false).status, 'correct')
  assert.equal(compareResults([[1, 2]], [[2, 1]], false, 10, false).status, 'wrong_result')
})

test('majority vote: largest group of equal result sets, ties to the earliest, -1 when none ran', () => {
  const ok = (rows: unknown[][]) => ({ executable: true, rows: rows as never })
  const bad = { executable: false, rows: [] }
  assert.equal(majorityVote([ok([[1]]), ok([[2]]), ok([[2], [2]]), bad]), 1)
  assert.equal(majorityVote([bad, ok([[1]]), ok([[2]])]), 1)
  assert.equal(majorityVote([ok([[1]]), ok([[2]]), ok([[2]]), ok([[1]])]), 0)
  assert.equal(majorityVote([bad, bad]), -1)
})

test('pages are cut to the payload budget; one oversized row is shrunk', () => {
  const rows = Array.from({ length: 10 }, (_, i) => ({ i, text: 'x'.repeat(100) }))
  const { items, cut } = fitToPayload(rows, 600, (r) => r)
  assert.equal(cut, true)
  assert.ok(items.length >= 3 && items.length < 10)
  const big = fitToPayload([{ text: 'y'.repeat(5000) }], 1000, (r, max) => ({ text: clipText(r.text, max)! }))
  assert.equal(big.items.length, 1)
  assert.match(big.items[0].text, /\[cut: 5000 bytes in all\]$/)
})
