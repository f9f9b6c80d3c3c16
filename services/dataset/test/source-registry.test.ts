// The dataset service's source registry on a real state database and real BIRD-layout files:
// registration, its errors (with nothing half-written), lookups and question paging.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { ServiceError, type ErrorCodeName, type StateDb } from '@t2s/core'
import { openDatasetDb } from '../src/db.js'
import { SourceRegistry } from '../src/sources/registry.js'
import { sharedDataDir } from '../../../test/helpers/shared-data.js'
import { makeDatabase, makeSource, questionsOver } from './helpers.js'

const dirs: string[] = []
const tempDir = (prefix: string) => { const d = mkdtempSync(join(tmpdir(), prefix)); dirs.push(d); return d }
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }) })

function registryOver (roots: string[]): { registry: SourceRegistry, db: StateDb } {
  const db = openDatasetDb(join(tempDir('t2s-dataset-state-'), 'state.db'))
  return { registry: new SourceRegistry(db, roots), db }
}

const rowCounts = (db: StateDb) => ({
  sources: (db.prepare('SELECT count(*) AS n FROM sources').get() as { n: number }).n,
  questions: (db.prepare('SELECT count(*) AS n FROM source_questions').get() as { n: number }).n
})

/** Asserts a ServiceError with this code whose message matches. */
const serviceError = (code: ErrorCodeName, message: RegExp) => (err: unknown) => {
  assert.ok(err instanceof ServiceError, String(err))
  assert.equal(err.codeName, code)
  assert.match(err.message, message)
  return true
}

describe('SourceRegistry.register', () => {
  test('records the split: counts, sorted db_ids, difficulties, the questions file digest; found by id and by name', () => {
    const src = makeSource(questionsOver(['zeta', 'alpha'], 10))
    dirs.push(src.root)
    const { registry, db } = registryOver([src.root])
    const source = registry.register({ name: 'tiny', questions: src.questions, databases: src.databases })
    assert.match(source.id, /^src_/)
    assert.equal(source.name, 'tiny')
    assert.equal(source.questions, 'dev.json')
    assert.equal(source.databases, 'dev_databases')
    assert.equal(source.question_count, 10)
    assert.equal(source.database_count, 2)
    assert.deepEqual(source.db_ids, ['alpha', 'zeta'])
    // i % 4: simple 0,4,8; moderate 1,5,9; challenging 2,6; none 3,7
    assert.deepEqual(source.difficulty_counts, { simple: 3, moderate: 3, challenging: 2, unknown: 2 })
    assert.equal(source.questions_sha256, createHash('sha256').update(readFileSync(join(src.root, 'dev.json'))).digest('hex'))
    assert.deepEqual(registry.get(source.id), source)
    assert.deepEqual(registry.get('tiny'), source)
    assert.deepEqual(registry.list(), [source])
    assert.deepEqual(rowCounts(db), { sources: 1, questions: 10 })
    const resolved = registry.resolve('tiny')
    assert.equal(resolved.questions_path, join(src.root, 'dev.json'))
    assert.equal(resolved.databases_path, join(src.root, 'dev_databases'))
  })

  test('a second source of the same name is a CONFLICT, and the first stays as it was', () => {
    const src = makeSource(questionsOver(['a'], 2))
    dirs.push(src.root)
    const { registry, db } = registryOver([src.root])
    const first = registry.register({ name: 'dup', questions: src.questions, databases: src.databases })
    assert.throws(() => registry.register({ name: 'dup', questions: src.questions, databases: src.databases }),
      serviceError('CONFLICT', /^a source named "dup" already exists$/))
    assert.deepEqual(registry.list(), [first])
    assert.deepEqual(rowCounts(db), { sources: 1, questions: 2 })
  })

  // Each bad input: the exact code and a message naming the problem, and nothing written.
  const cases: Array<{ what: string, setup: (root: string) => { questions: string, databases: string }, code: ErrorCodeName, message: RegExp }> = [
    {
      what: 'a questions file that is not there',
      setup: () => ({ questions: 'nope.json', databases: 'dev_databases' }),
      code: 'BAD_REQUEST',
      message: /^questions "nope\.json": not found under the allowed source roots \(DATA_DIR\); a relative path is looked up in each$/
    },
    {
      what: "a path with '..'",
      setup: () => ({ questions: '../dev.json', databases: 'dev_databases' }),
      code: 'BAD_REQUEST',
      message: /questions.*must not contain '\.\.'/
    },
    {
      what: 'an absolute path outside the roots',
      setup: () => ({ questions: '/etc/passwd', databases: 'dev_databases' }),
      code: 'BAD_REQUEST',
      message: /questions.*outside the allowed source roots/
    },
    {
      what: 'a symlink that leaves the root',
      setup: (root) => { symlinkSync('/etc/hostname', join(root, 'link.json')); return { questions: 'link.json', databases: 'dev_databases' } },
      code: 'BAD_REQUEST',
      message: /questions.*resolves outside the allowed source roots/
    },
    {
      what: 'a questions file that is not JSON',
      setup: (root) => { writeFileSync(join(root, 'bad.json'), '[{"db_id": '); return { questions: 'bad.json', databases: 'dev_databases' } },
      code: 'BAD_REQUEST',
      message: /^questions: the file is not valid JSON$/
    },
    {
      what: 'an empty question list',
      setup: (root) => { writeFileSync(join(root, 'empty.json'), '[]'); return { questions: 'empty.json', databases: 'dev_databases' } },
      code: 'BAD_REQUEST',
      message: /^questions: the file holds no questions$/
    },
    {
      what: 'a question without SQL',
      setup: (root) => { writeFileSync(join(root, 'nosql.json'), JSON.stringify([{ db_id: 'a', question: 'q?', SQL: 'SELECT 1' }, { db_id: 'a', question: 'q?' }])); return { questions: 'nosql.json', databases: 'dev_databases' } },
      code: 'BAD_REQUEST',
      message: /^questions\[1\]\.SQL must be a non-empty string/
    },
    {
      what: 'a database named by a question that has no file',
      setup: (root) => { writeFileSync(join(root, 'missing.json'), JSON.stringify([{ db_id: 'a', question: 'q?', SQL: 'SELECT 1' }, { db_id: 'ghost', question: 'q?', SQL: 'SELECT 1' }])); return { questions: 'missing.json', databases: 'dev_databases' } },
      code: 'BAD_REQUEST',
      message: /^questions\[1\]\.db_id "ghost": no ghost\/ghost\.sqlite under databases$/
    },
    {
      what: 'a database file that is not SQLite',
      setup: (root) => {
        mkdirSync(join(root, 'dev_databases', 'junk'))
        writeFileSync(join(root, 'dev_databases', 'junk', 'junk.sqlite'), 'not a database, just text that is long enough to have a header')
        writeFileSync(join(root, 'junk.json'), JSON.stringify([{ db_id: 'junk', question: 'q?', SQL: 'SELECT 1' }]))
        return { questions: 'junk.json', databases: 'dev_databases' }
      },
      code: 'BAD_REQUEST',
      message: /^questions\[0\]\.db_id "junk": junk\/junk\.sqlite is not a readable SQLite database$/
    },
    {
      what: 'databases that is a file, not a folder',
      setup: () => ({ questions: 'dev.json', databases: 'dev.json' }),
      code: 'BAD_REQUEST',
      message: /databases.*is not a folder/
    }
  ]
  for (const c of cases) {
    test(`${c.what}: ${c.code}, and nothing is written`, () => {
      const src = makeSource(questionsOver(['a'], 3))
      dirs.push(src.root)
      const { registry, db } = registryOver([src.root])
      const paths = c.setup(src.root)
      assert.throws(() => registry.register({ name: 'x', ...paths }), serviceError(c.code, c.message))
      assert.deepEqual(rowCounts(db), { sources: 0, questions: 0 })
      assert.throws(() => registry.get('x'), serviceError('NOT_FOUND', /^source "x" not found$/))
    })
  }

  test('paths resolve in any allowed root, the first that holds them', () => {
    const empty = tempDir('t2s-dataset-root-')
    const src = makeSource(questionsOver(['a'], 1))
    dirs.push(src.root)
    makeDatabase(join(empty, 'other_databases'), 'a')
    const { registry } = registryOver([empty, src.root])
    const source = registry.register({ name: 'two-roots', questions: 'dev.json', databases: 'dev_databases' })
    assert.equal(registry.resolve(source.id).questions_path, join(src.root, 'dev.json'))
  })
})

describe('SourceRegistry.questions', () => {
  const src = makeSource(questionsOver(['a', 'b', 'c'], 25))
  dirs.push(src.root)
  const { registry } = registryOver([src.root])
  const source = registry.register({ name: 'paged', questions: src.questions, databases: src.databases })

  test('pages in file order with the total, fields as registered', () => {
    const first = registry.questions('paged', 0, 10)
    assert.equal(first.total, 25)
    assert.deepEqual(first.items.map((q) => q.index), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.deepEqual(first.items[1], {
      index: 1,
      question_id: 101,
      db_id: 'b',
      question: 'How many rows, question 1?',
      evidence: 'hint 1',
      sql: 'SELECT count(*) FROM t WHERE x > 1',
      difficulty: 'moderate'
    })
    assert.equal(first.items[3].difficulty, null)
    assert.deepEqual(registry.questions(source.id, 20, 10).items.map((q) => q.index), [20, 21, 22, 23, 24])
    assert.deepEqual(registry.questions('paged', 25, 10), { items: [], total: 25 })
  })

  test('every question is on exactly one page', () => {
    const seen: number[] = []
    for (let offset = 0; offset < 25; offset += 7) seen.push(...registry.questions('paged', offset, 7).items.map((q) => q.index))
    assert.deepEqual(seen, Array.from({ length: 25 }, (_, i) => i))
  })

  test('an unknown source is NOT_FOUND', () => {
    assert.throws(() => registry.questions('nope', 0, 10), serviceError('NOT_FOUND', /^source "nope" not found$/))
  })
})

// The real benchmark sample, when it is there beside the repository.
const birdSample = join(sharedDataDir(), 'bird-sample')
describe('SourceRegistry on ../shared/data/bird-sample', { skip: existsSync(join(birdSample, 'dev.json')) ? false : `${birdSample} not found` }, () => {
  test('dev: 714 questions over 14 databases, difficulties as the file says', () => {
    const { registry } = registryOver([sharedDataDir()])
    const source = registry.register({ name: 'bird-sample-dev', questions: 'bird-sample/dev.json', databases: 'bird-sample/dev_databases' })
    assert.equal(source.question_count, 714)
    assert.deepEqual(source.db_ids, ['battle_death', 'car_1', 'concert_singer', 'course_teach', 'cre_Doc_Template_Mgt', 'employee_hire_evaluation', 'flight_2', 'pets_1', 'poker_player', 'real_estate_properties', 'singer', 'student_transcripts_tracking', 'voter_1', 'world_1'])
    assert.deepEqual(source.difficulty_counts, { simple: 173, moderate: 302, challenging: 239, unknown: 0 })
    const [q] = registry.questions(source.id, 3, 1).items
    assert.deepEqual(q, {
      index: 3,
      question_id: 3,
      db_id: 'concert_singer',
      question: 'What are the names, countries, and ages for every singer in descending order of age?',
      evidence: '',
      sql: 'SELECT name ,  country ,  age FROM singer ORDER BY age DESC',
      difficulty: 'moderate'
    })
  })
})
