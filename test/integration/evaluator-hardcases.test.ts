// Hard cases scored by the evaluator and, independently, by a restatement of the official
// algorithm in Python's sqlite3 (evaluation.py's EX, Mini-Dev's Soft-F1): same verdict on
// every item, same EX and Soft-F1 per difficulty.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const hasPython = spawnSync('python3', ['-c', 'import sqlite3']).status === 0
const TIMEOUT_S = 2
const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'

const FIXTURE = `
CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER, worth REAL, big INTEGER, note TEXT);
INSERT INTO singer VALUES
  (1, 'Joe', 'USA', 52, 1.5, 9007199254740993, 'x'),
  (2, 'Ann', 'France', 29, 0.1, 3, NULL),
  (3, 'Tim', 'USA', 41, 2.0, -9223372036854775808, NULL),
  (4, 'Lea', 'Netherlands', 29, 7.25, 9223372036854775807, ''),
  (5, 'Bo', 'France', 35, 0.30000000000000004, 0, 'y');
CREATE TABLE concert (id INTEGER PRIMARY KEY, singer_id INTEGER, year INTEGER, venue TEXT);
INSERT INTO concert VALUES (1, 1, 2014, 'Hall'), (2, 1, 2015, 'Park'), (3, 2, 2014, 'Hall'), (4, 5, 2016, 'Dome');
`

// [gold, prediction]: what the official scorer sees; statuses are ours.
const CASES: Array<[string, string | null]> = [
  ['SELECT name FROM singer ORDER BY age', 'SELECT name FROM singer ORDER BY age DESC'],
  ['SELECT country FROM singer', 'SELECT DISTINCT country FROM singer'],
  ['SELECT name, age FROM singer', 'SELECT age, name FROM singer'],
  ['SELECT name FROM singer', 'SELECT name, age FROM singer'],
  ['SELECT age FROM singer', 'SELECT CAST(age AS REAL) FROM singer'],
  ['SELECT age FROM singer', 'SELECT CAST(age AS TEXT) FROM singer'],
  ['SELECT name FROM singer', 'SELECT upper(name) FROM singer'],
  ['SELECT name FROM singer WHERE age > 100', 'SELECT name FROM singer LIMIT 0'],
  ['SELECT name FROM singer', 'SELECT name FROM singer LIMIT 0'],
  ['SELECT name FROM singer', 'SELEC name FROM singer'],
  ['SELECT name FROM singer', 'SELECT name FROM performer'],
  ['SELECT name FROM singer', 'DELETE FROM concert'],
  ['SELECT name FROM singer', 'DROP TABLE singer'],
  ['SELECT name FROM singer', "ATTACH DATABASE 'other.db' AS other"],
  ['SELECT name FROM singer', "VACUUM INTO 'stolen.db'"],
  ['SELECT name FROM singer', 'PRAGMA table_info(singer)'],
  ['SELECT name FROM singer', 'SELECT name FROM singer; DROP TABLE singer'],
  ['SELECT name FROM singer', "UPDATE singer SET name = 'x'"],
  ['SELECT name FROM singer', "INSERT INTO singer (name) VALUES ('x')"],
  ['SELECT name FROM singer', "SELECT load_extension('evil')"],
  ['SELECT count(*) FROM singer', RUNAWAY],
  ['SELECT note FROM singer WHERE id = 2', 'SELECT NULL'],
  ['SELECT note FROM singer WHERE id IN (2, 3)', "SELECT ''"],
  ['SELECT note FROM singer', 'SELECT note FROM singer WHERE note IS NOT NULL'],
  ['SELECT 0.3', 'SELECT 0.1 + 0.2'],
  ['SELECT worth FROM singer WHERE id = 5', 'SELECT 0.1 + 0.2'],
  ['SELECT 2', 'SELECT 4.0 / 2'],
  ['SELECT 1', "SELECT '1'"],
  ['SELECT big FROM singer WHERE id = 1', 'SELECT CAST(big AS REAL) FROM singer WHERE id = 1'],
  ['SELECT big FROM singer WHERE id = 1', 'SELECT 9007199254740993'],
  ['SELECT big FROM singer WHERE id IN (3, 4)', 'SELECT -9223372036854775808 UNION SELECT 9223372036854775807'],
  ["SELECT name FROM singer WHERE country = 'USA'", 'SELECT name FROM singer WHERE country = "USA"'],
  ['SELECT count(*) FROM singer', 'SELECT count(id) FROM singer'],
  ['SELECT name, country FROM singer ORDER BY id', 'SELECT name, age FROM singer ORDER BY id'],
  ['SELECT name, country FROM singer ORDER BY id', 'SELECT country, name FROM singer ORDER BY id'],
  ['SELECT name FROM singer ORDER BY id', 'SELECT name FROM singer ORDER BY id DESC'],
  ['SELECT name, note FROM singer ORDER BY id', 'SELECT name, note FROM singer WHERE id < 3 ORDER BY id'],
  ['SELECT * FROM missing_table', 'SELECT 1'],
  [RUNAWAY, 'SELECT 1'],
  ["SELECT X'41'", "SELECT 'A'"],
  ["SELECT X'41'", "SELECT CAST('A' AS BLOB)"],
  ['SELECT s.name FROM singer AS s JOIN concert AS c ON s.id = c.singer_id', 'SELECT name FROM singer WHERE id IN (SELECT singer_id FROM concert)'],
  ['SELECT name FROM singer WHERE 0', 'SELECT name FROM singer WHERE age < 0'],
  ['SELECT name FROM singer', 'SELECT name FROM singer;'],
  ['SELECT name FROM singer', '-- the names\nSELECT name FROM singer'],
  ['SELECT 1', 'VALUES (1)'],
  ['SELECT venue, count(*) FROM concert GROUP BY venue', 'SELECT venue, count(*) FROM concert GROUP BY venue HAVING count(*) > 1'],
  ['SELECT avg(age) FROM singer', 'SELECT sum(age) / count(*) FROM singer'],
  ['SELECT avg(age) FROM singer', 'SELECT sum(age) * 1.0 / count(*) FROM singer'],
  ['SELECT name FROM singer WHERE age = 29', 'SELECT name FROM singer WHERE age = 29 UNION ALL SELECT name FROM singer WHERE age = 29']
]
// Where we deliberately differ (README): the official scorer credits these because a blank
// statement returns [] and a write runs (it opens the database read-write) before the gold.
const DEVIATIONS: Array<[string, string | null, string]> = [
  ['SELECT name FROM singer WHERE age > 100', '', 'no_sql'],
  ['SELECT name FROM singer WHERE age > 100', 'UPDATE singer SET age = 0 WHERE id = 1', 'rejected'],
  ['SELECT name FROM singer', 'DELETE FROM singer', 'rejected'],
  ['SELECT venue FROM concert', 'SELECT 1; DROP TABLE singer', 'rejected']
]
const DIFFICULTIES = ['simple', 'moderate', 'challenging'] as const

// The official algorithm, restated: one read-write connection per pair on a private copy,
// prediction then gold on one cursor, 0 on any exception or past the time limit (a progress
// handler, since func_timeout cannot interrupt SQLite), EX = set equality, Soft-F1 as Mini-Dev.
const PYTHON = String.raw`
import json, os, shutil, sqlite3, sys, tempfile, time
job = json.load(sys.stdin)

def soft_f1(pred, gold):
    if not pred and not gold:
        return 1.0
    pred = list(dict.fromkeys(pred))
    gold = list(dict.fromkeys(gold))
    tp = fp = fn = 0.0
    for i, g in enumerate(gold):
        if i >= len(pred):
            fn += 1
            continue
        p = pred[i]
        w = len(g)
        tp += sum(1 for v in p if v in g) / w
        fp += sum(1 for v in p if v not in g) / w
        fn += sum(1 for v in g if v not in p) / w
    fp += max(0, len(pred) - len(gold))
    precision = tp / (tp + fp) if tp + fp else 0
    recall = tp / (tp + fn) if tp + fn else 0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0

out = []
for gold_sql, pred_sql in job['pairs']:
    work = tempfile.mkdtemp()
    try:
        db = os.path.join(work, 'copy.sqlite')
        shutil.copyfile(job['db'], db)
        os.chdir(work)
        conn = sqlite3.connect(db)
        deadline = time.monotonic() + job['timeout']
        conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
        try:
            cur = conn.cursor()
            cur.execute(pred_sql)
            pred = cur.fetchall()
            cur.execute(gold_sql)
            gold = cur.fetchall()
            out.append({'ex': 1 if set(pred) == set(gold) else 0, 'f1': soft_f1(pred, gold)})
        except Exception as e:
            out.append({'ex': 0, 'f1': 0.0, 'error': type(e).__name__})
        finally:
            conn.close()
    finally:
        os.chdir('/')
        shutil.rmtree(work)
print(json.dumps(out))
`

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex')

describe('hard cases: the same verdicts as the official algorithm in Python', { skip: hasPython ? false : 'needs python3 with sqlite3', timeout: 240_000 }, () => {
  let stack: Stack
  let dir: string
  let dbPath: string

  before(async () => {
    stack = await startStack(['dataset', 'evaluator'])
    dir = join(stack.dataDir, 'hard')
    mkdirSync(join(dir, 'db', 'hard'), { recursive: true })
    dbPath = join(dir, 'db', 'hard', 'hard.sqlite')
    const db = new Database(dbPath)
    db.exec(FIXTURE)
    db.close()
    const questions = CASES.map(([gold], i) => ({ question_id: i, db_id: 'hard', question: `case ${i}`, evidence: '', SQL: gold, difficulty: DIFFICULTIES[i % 3] }))
    writeFileSync(join(dir, 'questions.json'), JSON.stringify(questions))
    await stack.registerSource('hard', 'hard/questions.json', 'hard/db')
  })
  after(async () => { await stack?.stop() })

  test(`${CASES.length} hard pairs: every verdict, EX and Soft-F1 per difficulty match`, async () => {
    const before = { db: sha(dbPath), listing: readdirSync(dir, { recursive: true }).sort(), cwd: readdirSync(process.cwd()).sort(), data: readdirSync(stack.dataDir).sort() }
    const predictions = Object.fromEntries(CASES.map(([, pred], i) => [String(i), pred === null ? null : `${pred}\t----- bird -----\thard`]))
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source: 'hard', predictions, timeout_s: TIMEOUT_S, concurrency: 4 } })
    assert.equal(res.statusCode, 202, res.body)
    const job = await stack.waitJob(res.json().job_id, 120_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    const report = (await stack.gateway.inject({ url: `/v1/evaluations/${res.json().id}`, headers: AUTH })).json()
    const items = (await stack.gateway.inject({ url: `/v1/evaluations/${res.json().id}/items?limit=5000`, headers: AUTH })).json().items as Array<{ index: number, status: string, correct: boolean, soft_f1: number, error: string | null }>

    const py = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify({ db: dbPath, timeout: TIMEOUT_S, pairs: CASES }), encoding: 'utf8', timeout: 120_000 })
    assert.equal(py.status, 0, py.stderr)
    const want = JSON.parse(py.stdout) as Array<{ ex: number, f1: number, error?: string }>

    assert.equal(items.length, CASES.length)
    for (const [i, item] of items.entries()) {
      const why = `case ${i}: ${CASES[i][1]} vs ${CASES[i][0]} → ours ${item.status} ${item.error ?? ''}, python ${JSON.stringify(want[i])}`
      assert.equal(item.correct, want[i].ex === 1, why)
      assert.ok(Math.abs(item.soft_f1 - want[i].f1) < 1e-9, `soft-F1 ${item.soft_f1} ≠ ${want[i].f1}: ${why}`)
    }
    const pct = (xs: number[]) => xs.length === 0 ? 0 : 100 * xs.reduce((a, b) => a + b, 0) / xs.length
    for (const d of [...DIFFICULTIES, 'total'] as const) {
      const idx = CASES.map((_c, i) => i).filter((i) => d === 'total' || DIFFICULTIES[i % 3] === d)
      assert.ok(Math.abs(report.ex[d] - pct(idx.map((i) => want[i].ex))) < 0.01, `EX ${d}`)
      assert.ok(Math.abs(report.soft_f1[d] - pct(idx.map((i) => want[i].f1))) < 0.01, `Soft-F1 ${d}`)
    }
    // Our own statuses for the cases that say most about safety.
    const status = (pred: string) => items[CASES.findIndex(([, p]) => p === pred)].status
    for (const pred of ['DELETE FROM concert', 'DROP TABLE singer', "ATTACH DATABASE 'other.db' AS other", "VACUUM INTO 'stolen.db'", 'PRAGMA table_info(singer)', 'SELECT name FROM singer; DROP TABLE singer', "SELECT load_extension('evil')"]) {
      assert.equal(status(pred), 'rejected', pred)
    }
    assert.equal(status(RUNAWAY), 'pred_timeout')
    assert.equal(status('SELEC name FROM singer'), 'pred_error')
    assert.equal(items[CASES.findIndex(([g]) => g === RUNAWAY)].status, 'gold_timeout')
    assert.equal(items[CASES.findIndex(([g]) => g === 'SELECT * FROM missing_table')].status, 'gold_error')
    assert.ok(report.statuses.gold_timeout === 1 && report.statuses.gold_error === 1)

    // Nothing written: the fixture, its folder, DATA_DIR and the working directory are as they were.
    assert.equal(sha(dbPath), before.db)
    assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), before.listing)
    assert.deepEqual(readdirSync(process.cwd()).sort(), before.cwd)
    assert.deepEqual(readdirSync(stack.dataDir).sort(), before.data)
    assert.equal(existsSync(join(process.cwd(), 'stolen.db')), false)
  })

  test('documented deviations: blank, write and stacked predictions score 0 where the official scorer may credit them', async () => {
    const py = spawnSync('python3', ['-c', PYTHON], { input: JSON.stringify({ db: dbPath, timeout: TIMEOUT_S, pairs: DEVIATIONS.map(([g, p]) => [g, p]) }), encoding: 'utf8', timeout: 60_000 })
    assert.equal(py.status, 0, py.stderr)
    // Python's sqlite3 refuses the stacked one too; it credits the others.
    assert.deepEqual((JSON.parse(py.stdout) as Array<{ ex: number }>).map((o) => o.ex), [1, 1, 1, 0])
    writeFileSync(join(dir, 'deviations.json'), JSON.stringify(DEVIATIONS.map(([gold], i) => ({ question_id: i, db_id: 'hard', question: `deviation ${i}`, SQL: gold, difficulty: 'simple' }))))
    await stack.registerSource('deviations', 'hard/deviations.json', 'hard/db')
    const predictions = DEVIATIONS.map(([, sql], i) => ({ question_id: i, sql }))
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source: 'deviations', predictions, timeout_s: TIMEOUT_S } })
    assert.equal(res.statusCode, 202, res.body)
    assert.equal((await stack.waitJob(res.json().job_id)).status, 'succeeded')
    const items = (await stack.gateway.inject({ url: `/v1/evaluations/${res.json().id}/items`, headers: AUTH })).json().items as Array<{ status: string, correct: boolean }>
    assert.deepEqual(items.map((it) => [it.status, it.correct]), DEVIATIONS.map(([, , status]) => [status, false]))
  })
})
