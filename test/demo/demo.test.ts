// The demo source (examples/demo, built by scripts/build-demo.ts): layout, question counts,
// and every gold SQL returning rows, in better-sqlite3 and in Python's sqlite3.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { parseQuestionsFile } from '@t2s/core/sources'
import { generate } from '../../examples/demo/generate.js'
import { buildDemo, DEMO_DIR, demoDbIds } from '../../scripts/build-demo.js'

interface BirdQuestion { question_id: number, db_id: string, question: string, evidence: string, SQL: string, difficulty: string }

const questions = JSON.parse(readFileSync(join(DEMO_DIR, 'dev.json'), 'utf8')) as BirdQuestion[]
const dbFile = (target: string, dbId: string) => join(target, 'dev_databases', dbId, `${dbId}.sqlite`)

describe('demo source', () => {
  let target: string
  before(() => {
    target = join(mkdtempSync(join(tmpdir(), 't2s-demo-')), 'demo')
    assert.equal(buildDemo(target).built, true)
  })
  after(() => { rmSync(join(target, '..'), { recursive: true, force: true }) })

  test('dev.json: 40 BIRD questions, 16/16/8, unique ids, every db_id built', () => {
    assert.equal(questions.length, 40)
    const counts = { simple: 0, moderate: 0, challenging: 0 }
    for (const q of questions) counts[q.difficulty as keyof typeof counts]++
    assert.deepEqual(counts, { simple: 16, moderate: 16, challenging: 8 })
    assert.deepEqual(questions.map((q) => q.question_id), questions.map((_, i) => i))
    for (const q of questions) {
      assert.deepEqual(Object.keys(q), ['question_id', 'db_id', 'question', 'evidence', 'SQL', 'difficulty'])
      assert.ok(existsSync(dbFile(target, q.db_id)), `${q.db_id} has no database`)
    }
    assert.ok(questions.some((q) => q.evidence === '') && questions.some((q) => q.evidence !== ''))
    assert.deepEqual([...new Set(questions.map((q) => q.db_id))].sort(), demoDbIds())
    // The copy is byte for byte, and the source registry's parser takes it.
    assert.equal(readFileSync(join(target, 'dev.json'), 'utf8'), readFileSync(join(DEMO_DIR, 'dev.json'), 'utf8'))
    assert.equal(parseQuestionsFile(join(target, 'dev.json')).questions.length, 40)
  })

  test('every gold SQL runs read-only and returns at least one row', () => {
    for (const dbId of demoDbIds()) {
      const db = new Database(dbFile(target, dbId), { readonly: true, fileMustExist: true })
      try {
        db.pragma('query_only = ON')
        for (const q of questions.filter((x) => x.db_id === dbId)) {
          const rows = db.prepare(q.SQL).raw().all() as unknown[][]
          assert.ok(rows.length > 0, `question ${q.question_id} returns no rows`)
          assert.ok(rows.some((r) => r.some((v) => v !== null)), `question ${q.question_id} returns only NULLs`)
        }
      } finally {
        db.close()
      }
    }
  })

  test("Python's sqlite3 gets the same non-empty results", (t) => {
    const script = `
import json, sqlite3, sys
root, questions = sys.argv[1], json.load(open(sys.argv[2], encoding='utf-8'))
out = []
for q in questions:
    con = sqlite3.connect(f"file:{root}/{q['db_id']}/{q['db_id']}.sqlite?mode=ro", uri=True)
    out.append(sorted(map(repr, con.execute(q['SQL']).fetchall())))
    con.close()
print(json.dumps(out))
`
    const py = spawnSync('python3', ['-c', script, join(target, 'dev_databases'), join(target, 'dev.json')], { encoding: 'utf8' })
    if (py.error) { t.skip('python3 not found'); return }
    assert.equal(py.status, 0, py.stderr)
    const fromPython = JSON.parse(py.stdout) as string[][]
    assert.equal(fromPython.length, 40)
    for (const [i, rows] of fromPython.entries()) assert.ok(rows.length > 0, `question ${i} returns no rows in Python`)
    // Row counts agree with better-sqlite3.
    for (const q of questions) {
      const db = new Database(dbFile(target, q.db_id), { readonly: true })
      try { assert.equal(db.prepare(q.SQL).raw().all().length, fromPython[q.question_id].length, `question ${q.question_id}`) } finally { db.close() }
    }
  })

  test('BIRD touches: sqlite_sequence, foreign keys, NULLs, REAL columns, column comments', () => {
    const db = new Database(dbFile(target, 'library'), { readonly: true })
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name)
      assert.ok(tables.includes('sqlite_sequence'))
      assert.deepEqual(db.prepare('SELECT name, seq FROM sqlite_sequence').all(), [{ name: 'loans', seq: 340 }])
      assert.ok((db.pragma('foreign_key_list(loans)') as unknown[]).length === 2)
      assert.match((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'books'").get() as { sql: string }).sql, /-- replacement cost in EUR/)
      assert.ok((db.prepare('SELECT COUNT(*) AS n FROM loans WHERE returned_on IS NULL').get() as { n: number }).n > 0)
      assert.equal((db.prepare('SELECT typeof(price) AS t FROM books WHERE price IS NOT NULL LIMIT 1').get() as { t: string }).t, 'real')
    } finally {
      db.close()
    }
  })

  test('description CSVs are copied and name real columns', () => {
    let described = 0
    for (const dbId of demoDbIds()) {
      const src = join(DEMO_DIR, 'database_description', dbId)
      if (!existsSync(src)) continue
      const db = new Database(dbFile(target, dbId), { readonly: true })
      try {
        for (const f of readdirSync(src)) {
          const copy = join(target, 'dev_databases', dbId, 'database_description', f)
          assert.equal(readFileSync(copy, 'utf8'), readFileSync(join(src, f), 'utf8'))
          const [head, ...lines] = readFileSync(copy, 'utf8').trim().split('\n')
          assert.equal(head, 'original_column_name,column_name,column_description,data_format,value_description')
          const columns = (db.pragma(`table_info(${f.slice(0, -4)})`) as Array<{ name: string }>).map((c) => c.name)
          assert.deepEqual(lines.map((l) => l.split(',')[0]), columns, `${dbId}/${f}`)
          described++
        }
      } finally {
        db.close()
      }
    }
    assert.ok(described > 0)
  })

  test('a second build leaves a complete target alone; --force rebuilds it', () => {
    const file = dbFile(target, 'library')
    const before = statSync(file).mtimeMs
    assert.equal(buildDemo(target).built, false)
    assert.equal(statSync(file).mtimeMs, before)
    rmSync(file)
    assert.equal(buildDemo(target).built, true)
    assert.equal(buildDemo(target, { force: true }).built, true)
    assert.deepEqual(readdirSync(join(target, 'dev_databases', 'library')).sort(), ['database_description', 'library.sqlite'])
  })

  test('the generator reproduces the checked-in SQL byte for byte', () => {
    for (const [dbId, text] of Object.entries(generate())) {
      assert.equal(text, readFileSync(join(DEMO_DIR, 'sql', `${dbId}.sql`), 'utf8'), `${dbId}.sql drifted from generate.ts`)
    }
  })
})
