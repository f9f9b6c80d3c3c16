import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { waitFor } from '../helpers/processes.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()
const SEP = '\t----- bird -----\t'

interface Q { db_id: string, SQL: string, difficulty: string, question_id: number }

function digestTree (dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name)
    try { out[name] = createHash('sha256').update(readFileSync(path)).digest('hex') } catch { out[name] = 'dir' }
  }
  return out
}

describe('evaluator on bird-sample dev (714 questions)', { skip: data ? false : SKIP_NO_DATA, timeout: 400_000 }, () => {
  let stack: Stack
  let questions: Q[]
  let dbDigests: Record<string, string>
  const dbDir = () => join(data!, 'bird-sample', 'dev_databases')
  const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => await stack.gateway.inject({ method, url, headers: AUTH, payload })
  const submit = async (payload: object): Promise<{ id: string, job_id: string }> => {
    const res = await inject('POST', '/v1/evaluations', payload)
    assert.equal(res.statusCode, 202, res.body)
    return res.json()
  }
  const report = async (id: string) => {
    const res = await inject('GET', `/v1/evaluations/${id}`)
    assert.equal(res.statusCode, 200, res.body)
    return res.json()
  }
  const run = async (payload: object) => {
    const accepted = await submit(payload)
    const job = await stack.waitJob(accepted.job_id, 240_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    return await report(accepted.id)
  }
  const allItems = async (id: string) => {
    const res = await inject('GET', `/v1/evaluations/${id}/items?limit=5000`)
    assert.equal(res.statusCode, 200, res.body)
    return res.json() as { items: Array<{ index: number, status: string, correct: boolean, sql: string | null }>, total: number }
  }
  const official = (sqlOf: (q: Q, i: number) => string) => Object.fromEntries(questions.map((q, i) => [String(i), `${sqlOf(q, i)}${SEP}${q.db_id}`]))
  // Every third question right, every third wrong, every third broken: a run worth comparing.
  const mixed = () => official((q, i) => [q.SQL, 'SELECT 1', 'SELEC nothing'][i % 3])

  before(async () => {
    questions = JSON.parse(readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8'))
    dbDigests = digestTree(dbDir())
    stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data!, EVAL_ACK_WAIT_S: '3' })
    await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
  })
  after(async () => { await stack?.stop() })

  test('gold SQL as predictions scores 100.00 in every bucket; a second run executes no gold query', async () => {
    const predictions = official((q) => q.SQL)
    const first = await run({ source: 'dev', predictions })
    assert.deepEqual(first.ex, { simple: 100, moderate: 100, challenging: 100, total: 100 })
    assert.deepEqual(first.soft_f1, { simple: 100, moderate: 100, challenging: 100, total: 100 })
    assert.deepEqual(first.counts, { simple: 173, moderate: 302, challenging: 239, unknown: 0, total: 714, planned: 714 })
    assert.equal(first.statuses.correct, 714)
    assert.equal(first.status, 'succeeded')
    assert.equal(first.model, null)
    assert.equal(first.manifest.source.name, 'dev')
    assert.equal(Object.keys(first.manifest.databases).length, 14)
    // Paraphrased questions share a gold SQL: the first run already reuses those.
    assert.ok(first.gold_cache_hits > 0 && first.gold_cache_hits < 714, String(first.gold_cache_hits))
    const second = await run({ source: 'dev', predictions })
    assert.deepEqual(second.ex, first.ex)
    assert.equal(second.gold_cache_hits, 714)
  })

  test('the list form, limit, and 400s that name the entry', async () => {
    const list = questions.slice(0, 40).map((q) => ({ question_id: q.question_id, sql: q.SQL }))
    const r = await run({ source: 'dev', predictions: list, limit: 40 })
    assert.equal(r.counts.total, 40)
    assert.equal(r.ex.total, 100)
    const bad = async (payload: object, detail: RegExp) => {
      const res = await inject('POST', '/v1/evaluations', payload)
      assert.equal(res.statusCode, 400, res.body)
      assert.match(res.headers['content-type'] as string, /problem\+json/)
      assert.match(res.json().detail, detail)
    }
    await bad({ source: 'dev', predictions: { 0: 'SELECT 1' } }, /has 1 entries but 714 questions/)
    const shifted = official((q) => q.SQL)
    shifted['5'] = `SELECT 1${SEP}not_a_db`
    await bad({ source: 'dev', predictions: shifted }, /predictions\["5"\]: db_id "not_a_db" is not question 5's db_id/)
    await bad({ source: 'dev', predictions: shifted, model: 'x' }, /exactly one of predictions or model/)
    await bad({ source: 'nope', predictions: { 0: 'x' } }, /source "nope" not found/)
    await bad({ source: 'dev', predictions: { 0: 'x' }, timeout_s: 0 }, /timeout_s/)
    const res = await inject('POST', '/v1/evaluations', { source: 'dev', model: 'student' })
    assert.equal(res.statusCode, 503)
    assert.match(res.json().detail, /STUDENT_BASE_URL is not set/)
    assert.equal((await inject('GET', '/v1/evaluations/ev_nope')).statusCode, 404)
  })

  test('items come back in pages bigger than one NATS message; the predictions export is the official file', async () => {
    // ~1.3 kB per item and per prediction: 714 items do not fit in NATS's default 1 MB.
    const pad = (i: number) => ` /* ${String(i).padStart(4, '0')}${'x'.repeat(1200)} */`
    const predictions = official((q, i) => q.SQL + pad(i))
    const r = await run({ source: 'dev', predictions })
    assert.equal(r.ex.total, 100)
    const { items, total } = await allItems(r.id)
    assert.equal(total, 714)
    assert.deepEqual(items.map((it) => it.index), questions.map((_q, i) => i))
    assert.ok(items.every((it, i) => it.sql === questions[i].SQL + pad(i)))
    const page = await inject('GET', `/v1/evaluations/${r.id}/items?offset=700&limit=5&status=correct`)
    assert.deepEqual(page.json().items.map((it: { index: number }) => it.index), [700, 701, 702, 703, 704])
    const exported = await inject('GET', `/v1/evaluations/${r.id}/predictions`)
    assert.equal(exported.statusCode, 200)
    assert.deepEqual(exported.json(), predictions)
    assert.deepEqual(Object.keys(exported.json()), questions.map((_q, i) => String(i)))
    // Read as the official scripts read it: json.load, values in file order, split on the separator.
    const read = 'import json, sys\nfor v in json.loads(sys.stdin.read()).values():\n    sql, db = v.split("\\t----- bird -----\\t")\n    print(json.dumps([sql, db]))'
    const py = spawnSync('python3', ['-c', read], { input: exported.body, encoding: 'utf8' })
    if (py.error === undefined) {
      assert.equal(py.status, 0, py.stderr)
      const pairs = py.stdout.trim().split('\n').map((line) => JSON.parse(line))
      assert.deepEqual(pairs, questions.map((q, i) => [q.SQL + pad(i), q.db_id]))
    }
  })

  test('SIGKILL of the evaluator half-way: after a restart every question is scored exactly once, with the same EX', async () => {
    const reference = await run({ source: 'dev', predictions: mixed() })
    // The 238 golds (every third question) plus the one question whose gold result is {(1,)}, as
    // Python's sqlite3 and the official set comparison give it on these files.
    assert.equal(reference.ex.total, 100 * 239 / 714)
    const stateDb = join(stack.dataDir, 'evaluator', 'state.db')
    const accepted = await submit({ source: 'dev', predictions: mixed(), concurrency: 8 })
    const db = new Database(stateDb, { readonly: true })
    const scored = () => (db.prepare('SELECT count(*) AS n FROM eval_items WHERE eval_id = ?').get(accepted.id) as { n: number }).n
    let atKill = 0
    try {
      await waitFor(async () => scored() >= 340, 120_000, 5)
      await stack.procs.get('evaluator')!.kill('SIGKILL')
      atKill = scored()
    } finally {
      db.close()
    }
    assert.ok(atKill >= 340 && atKill < 714, `killed with ${atKill} scored`)
    await stack.startService('evaluator')
    const job = await stack.waitJob(accepted.job_id, 240_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    const resumed = await report(accepted.id)
    assert.deepEqual(resumed.ex, reference.ex)
    assert.deepEqual(resumed.soft_f1, reference.soft_f1)
    assert.deepEqual(resumed.statuses, reference.statuses)
    assert.equal(resumed.counts.total, 714)
    const [a, b] = [await allItems(reference.id), await allItems(accepted.id)]
    assert.deepEqual(b.items.map((it) => it.index), questions.map((_q, i) => i), 'each question once')
    assert.deepEqual(b.items.map((it) => it.status), a.items.map((it) => it.status))
    const check = new Database(stateDb, { readonly: true })
    try {
      const rows = check.prepare('SELECT count(*) AS n, count(DISTINCT item_key) AS keys FROM job_items WHERE job_id = ?').get(accepted.job_id)
      assert.deepEqual(rows, { n: 714, keys: 714 })
    } finally {
      check.close()
    }
    console.log(`killed at ${atKill} of 714 scored; resumed EX ${resumed.ex.total.toFixed(2)}`)
  })

  test('no benchmark database file changed and none was added', () => {
    assert.deepEqual(digestTree(dbDir()), dbDigests)
  })
})
