import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { compareResultSets, sameResultSet, softF1 } from '../../src/sql/compare.js'
import { SqlSandbox } from '../../src/sql/sandbox.js'
import { makeDb, tempDir } from './helpers.js'

// The official algorithm restated in Python (docs/bird-evaluation.md: EX, Soft-F1 steps 1-6),
// run on Python's own sqlite3 results, which is what the official scripts see.
const REFERENCE = `
import json, sqlite3, sys

def row_match(pred_row, gold_row):
    width = len(gold_row)
    matched = sum(1 for v in pred_row if v in gold_row)
    pred_only = sum(1 for v in pred_row if v not in gold_row)
    gold_only = sum(1 for v in gold_row if v not in pred_row)
    return matched / width, pred_only / width, gold_only / width

def soft_f1(pred, gold):
    if not pred and not gold:
        return 1.0
    pred = list(dict.fromkeys(pred))
    gold = list(dict.fromkeys(gold))
    tp, fp, fn = [], [], []
    for i, gold_row in enumerate(gold):
        if i >= len(pred):
            tp.append(0)
            fn.append(1)
            continue
        m, p, g = row_match(pred[i], gold_row)
        tp.append(m)
        fp.append(p)
        fn.append(g)
    for _ in range(len(pred) - len(gold)):
        tp.append(0)
        fp.append(1)
        fn.append(0)
    tp, fp, fn = sum(tp), sum(fp), sum(fn)
    precision = tp / (tp + fp) if tp + fp > 0 else 0
    recall = tp / (tp + fn) if tp + fn > 0 else 0
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0

job = json.load(sys.stdin)
out = []
for pred_sql, gold_sql in job['pairs']:
    conn = sqlite3.connect(job['db'])
    cur = conn.cursor()
    try:
        pred = cur.execute(pred_sql).fetchall()
        gold = cur.execute(gold_sql).fetchall()
        out.append({'ex': set(pred) == set(gold), 'f1': soft_f1(pred, gold)})
    except Exception as e:
        out.append({'error': str(e)})
    conn.close()
print(json.dumps(out))
`

const PAIRS: Array<[string, string]> = [
  ['SELECT name FROM p ORDER BY id', 'SELECT name FROM p ORDER BY id DESC'],
  ['SELECT name FROM p', 'SELECT DISTINCT name FROM p'],
  ['SELECT name, n FROM p', 'SELECT n, name FROM p'],
  ['SELECT name, score FROM p ORDER BY id', 'SELECT name FROM p ORDER BY id'],
  ['SELECT CAST(n AS REAL) FROM p ORDER BY id', 'SELECT n FROM p ORDER BY id'],
  ['SELECT CAST(n AS REAL) FROM p WHERE id = 5', 'SELECT n FROM p WHERE id = 5'],
  ['SELECT CAST(n AS TEXT) FROM p', 'SELECT n FROM p'],
  ['SELECT upper(name) FROM p', 'SELECT name FROM p'],
  ['SELECT name FROM p LIMIT 0', 'SELECT n, name FROM p LIMIT 0'],
  ['SELECT score FROM p WHERE score IS NULL', 'SELECT NULL'],
  ['SELECT name, score FROM p', 'SELECT name, NULL FROM p'],
  ['SELECT 9007199254740993', 'SELECT 9007199254740992'],
  ['SELECT 9007199254740993', 'SELECT CAST(9007199254740993 AS REAL)'],
  ['SELECT 9007199254740992', 'SELECT 9007199254740992.0'],
  ['SELECT -9223372036854775808, 9223372036854775807', 'SELECT CAST(-9223372036854775808 AS REAL), 9223372036854775807.0'],
  ['SELECT 0.1 + 0.2', 'SELECT 0.3'],
  ['SELECT score FROM p WHERE id = 5', 'SELECT 0.1 + 0.2'],
  ['SELECT count(*) FROM p', 'SELECT 5.0'],
  ['SELECT -0.0', 'SELECT 0'],
  ['SELECT b FROM p', 'SELECT CAST(b AS TEXT) FROM p'],
  ['SELECT b FROM p WHERE b IS NOT NULL ORDER BY id', "SELECT x'01' UNION ALL SELECT x'0102' UNION ALL SELECT x'01'"],
  ['SELECT id, name FROM p ORDER BY id', 'SELECT id, upper(name) FROM p ORDER BY id'],
  ['SELECT name FROM p ORDER BY id', 'SELECT name FROM p WHERE id < 3 ORDER BY id'],
  ['SELECT name FROM p WHERE 0', 'SELECT name FROM p'],
  ['SELECT 1, 1', 'SELECT 1, 2'],
  ['SELECT id, id FROM p ORDER BY id', 'SELECT id, n, name FROM p ORDER BY id'],
  ["SELECT 'caf\u00e9'", "SELECT 'cafe' || char(769)"],
  ['SELECT avg(score) FROM p', 'SELECT sum(score) / count(score) FROM p'],
  ['SELECT name, count(*) FROM p GROUP BY name', 'SELECT name, count(*) FROM p GROUP BY name ORDER BY count(*) DESC, name'],
  ['SELECT n / 3, n / 3.0 FROM p ORDER BY id', 'SELECT n / 3.0, n / 3 FROM p ORDER BY id'],
  ["SELECT '1', 1", 'SELECT 1, 1.0']
]

const tmp = tempDir()
const sandbox = new SqlSandbox({ size: 2 })
let db: string

before(async () => {
  db = makeDb(join(tmp.dir, 'hard.db'), `
    CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT, score REAL, n INTEGER, b BLOB);
    INSERT INTO p VALUES
      (1, 'alice', 1.0, 10, x'01'),
      (2, 'Bob', 2.5, 20, NULL),
      (3, 'carol', NULL, 9007199254740993, x'0102'),
      (4, 'alice', 1.0, 10, x'01'),
      (5, 'dave', 0.30000000000000004, 9007199254740992, NULL);
  `)
  await sandbox.ready()
})
after(async () => {
  await sandbox.close()
  tmp.cleanup()
})

const python = spawnSync('python3', ['--version'])
const noPython = python.error !== undefined || python.status !== 0 ? 'python3 is not available' : false

test('EX and Soft-F1 agree with the Python reference on hard cases', { skip: noPython }, async () => {
  const run = spawnSync('python3', ['-c', REFERENCE], { input: JSON.stringify({ db, pairs: PAIRS }), encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  const expected = JSON.parse(run.stdout) as Array<{ ex?: boolean, f1?: number, error?: string }>
  assert.equal(expected.length, PAIRS.length)
  const verdicts = new Set<boolean>()
  for (const [i, [predSql, goldSql]] of PAIRS.entries()) {
    const want = expected[i]
    assert.equal(want.error, undefined, `python failed on ${predSql} / ${goldSql}: ${want.error}`)
    const [pred, gold] = await Promise.all([
      sandbox.execute(db, predSql, { maxRows: 100_000 }),
      sandbox.execute(db, goldSql, { maxRows: 100_000 })
    ])
    assert.equal(pred.status, 'ok', `${predSql}: ${pred.error}`)
    assert.equal(gold.status, 'ok', `${goldSql}: ${gold.error}`)
    const label = `${predSql}  vs  ${goldSql}`
    assert.equal(sameResultSet(pred.rows, gold.rows), want.ex, `EX: ${label}`)
    const f1 = softF1(pred.rows, gold.rows)
    assert.ok(Math.abs(f1 - want.f1!) < 1e-9, `Soft-F1 ${f1} != ${want.f1}: ${label}`)
    // The evaluator's one-pass comparison gives the same two figures.
    const both = compareResultSets(pred.rows, gold.rows)
    assert.equal(both.same, want.ex, `compareResultSets EX: ${label}`)
    assert.ok(Math.abs(both.softF1 - want.f1!) < 1e-9, `compareResultSets Soft-F1 ${both.softF1} != ${want.f1}: ${label}`)
    verdicts.add(want.ex!)
  }
  assert.equal(verdicts.size, 2, 'the cases cover both verdicts')
})
