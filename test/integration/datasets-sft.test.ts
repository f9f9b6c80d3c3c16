import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()

/**
 * The recipe's create_sft_dataset.py (docs/recipe-formats.md §2-§3), written independently in Python:
 * the reference the suite's SFT files must equal as a multiset of parsed JSON lines.
 */
const RECIPE_SFT = String.raw`
import json, sys
questions, db_root, reference_dir = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, reference_dir)
from recipe_schema import generate_schema_prompt  # the tests' rendition of docs/recipe-formats.md §2
system = "You are a text to SQL query translator. Using the SQLite DB Schema and the External Knowledge, translate the following text question into a SQLite SQL select statement."
out = []
for item in json.load(open(questions)):
    db_path = db_root + "/" + item["db_id"] + "/" + item["db_id"] + ".sqlite"
    user = generate_schema_prompt(db_path) + "\n\n" + "-- External Knowledge: {}".format(item["evidence"]) + "\n\n" + "-- Question: {}".format(item["question"])
    out.append({"messages": [{"content": system, "role": "system"}, {"content": user, "role": "user"}, {"content": item["SQL"], "role": "assistant"}]})
print(json.dumps(out))
`

const REFERENCE_DIR = join(import.meta.dirname, '..', '..', 'services', 'core', 'test', 'prompts')

const canonical = (lines: string[]) => lines.map((l) => JSON.stringify(JSON.parse(l))).sort()

describe('SFT datasets', { skip: data ? false : SKIP_NO_DATA, timeout: 240_000 }, () => {
  let stack: Stack
  const build = async (payload: object, headers: Record<string, string> = {}) => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: { ...AUTH, ...headers }, payload })
    return res
  }
  const buildAndWait = async (payload: object) => {
    const res = await build(payload)
    assert.equal(res.statusCode, 202, res.body)
    const job = await stack.waitJob(res.json().job_id, 120_000)
    assert.equal(job.status, 'succeeded', job.error)
    return res.json().id as string
  }
  const file = async (id: string, split: string) => {
    const res = await stack.gateway.inject({ url: `/v1/datasets/${id}/files/${split}`, headers: AUTH })
    assert.equal(res.statusCode, 200, res.body)
    return res.body.split('\n').filter(Boolean)
  }

  before(async () => {
    stack = await startStack(['dataset'], { T2S_SOURCE_ROOTS: data! })
    await stack.registerSource('train', 'bird-sample/train.json', 'bird-sample/train_databases')
  })
  after(async () => { await stack?.stop() })

  test('bird-sample train: the recipe\'s examples, 111 in test, reproducible by seed', async () => {
    const id = await buildAndWait({ source: 'train', kind: 'sft' })
    const d = (await stack.gateway.inject({ url: `/v1/datasets/${id}`, headers: AUTH })).json()
    assert.equal(d.status, 'succeeded')
    assert.deepEqual(d.counts, { questions: 367, kept: 367, dropped: 0, train: 256, test: 111 })
    assert.equal(d.prompt.version, 'cookbook-1')
    assert.equal(d.token_stats.train.examples, 256)
    assert.ok(d.token_stats.train.tokens_max > d.token_stats.train.tokens_p50)
    assert.match(d.manifest.source.questions_sha256, /^[0-9a-f]{64}$/)
    const train = await file(id, 'train')
    const test = await file(id, 'test')
    assert.equal(test.length, 111)
    assert.equal(train.length, 256)
    assert.equal(train[0].slice(0, 24), '{"messages":[{"content":')

    const py = spawnSync('python3', ['-B', '-c', RECIPE_SFT, join(data!, 'bird-sample', 'train.json'), join(data!, 'bird-sample', 'train_databases'), REFERENCE_DIR], { encoding: 'utf8', maxBuffer: 64 << 20 })
    assert.equal(py.status, 0, py.stderr)
    const reference = (JSON.parse(py.stdout) as object[]).map((o) => JSON.stringify(o))
    assert.deepEqual(canonical([...train, ...test]), canonical(reference))

    const again = await buildAndWait({ source: 'train', kind: 'sft', seed: 42 })
    assert.deepEqual(await file(again, 'train'), train)
    assert.deepEqual(await file(again, 'test'), test)
    const other = await buildAndWait({ source: 'train', kind: 'sft', seed: 7 })
    assert.notDeepEqual(await file(other, 'test'), test)
    assert.deepEqual(canonical([...await file(other, 'train'), ...await file(other, 'test')]), canonical([...train, ...test]))
  })

  test('the same Idempotency-Key gives one dataset and one job', async () => {
    const a = await build({ source: 'train', kind: 'sft', limit: 10 }, { 'idempotency-key': 'abc-1' })
    const b = await build({ source: 'train', kind: 'sft', limit: 10 }, { 'idempotency-key': 'abc-1' })
    assert.equal(a.json().id, b.json().id)
    assert.equal(a.json().job_id, b.json().job_id)
    await stack.waitJob(a.json().job_id)
  })

  test('an Idempotency-Key reused with another body is a 422 naming the key; the same body in another key order is the same request', async () => {
    const a = await build({ source: 'train', kind: 'sft', limit: 10, seed: 3 }, { 'idempotency-key': 'abc-2' })
    assert.equal(a.statusCode, 202, a.body)
    const reordered = await build({ seed: 3, limit: 10, kind: 'sft', source: 'train' }, { 'idempotency-key': 'abc-2' })
    assert.equal(reordered.json().id, a.json().id)
    const other = await build({ source: 'train', kind: 'sft', limit: 11, seed: 3 }, { 'idempotency-key': 'abc-2' })
    assert.equal(other.statusCode, 422)
    assert.match(String(other.headers['content-type']), /^application\/problem\+json/)
    assert.equal(other.json().detail, `Idempotency-Key "abc-2" was already used for another request (dataset ${a.json().id}); send a new key to build a different dataset`)
    await stack.waitJob(a.json().job_id)
  })

  test('bad input: unknown source 404, test_size outside (0, 1) 400 naming the field', async () => {
    let res = await build({ source: 'nope', kind: 'sft' })
    assert.equal(res.statusCode, 404)
    assert.match(res.json().detail, /source "nope" not found/)
    for (const testSize of [0, 1, -0.5, 1.5]) {
      res = await build({ source: 'train', kind: 'sft', test_size: testSize })
      assert.equal(res.statusCode, 400)
      assert.match(res.json().detail, /test_size/)
    }
    res = await stack.gateway.inject({ url: '/v1/datasets/ds_missing', headers: AUTH })
    assert.equal(res.statusCode, 404)
  })

  test('a database file removed after registration fails the job naming the file', async () => {
    const dir = join(stack.dataDir, 'copy')
    mkdirSync(join(dir, 'dbs', 'farm'), { recursive: true })
    copyFileSync(join(data!, 'bird-sample', 'train_databases', 'farm', 'farm.sqlite'), join(dir, 'dbs', 'farm', 'farm.sqlite'))
    const qs = (JSON.parse(readFileSync(join(data!, 'bird-sample', 'train.json'), 'utf8')) as Array<{ db_id: string }>).filter((q) => q.db_id === 'farm')
    writeFileSync(join(dir, 'q.json'), JSON.stringify(qs))
    await stack.registerSource('farm-copy', 'copy/q.json', 'copy/dbs')
    rmSync(join(dir, 'dbs', 'farm', 'farm.sqlite'))
    const res = await build({ source: 'farm-copy', kind: 'sft' })
    const job = await stack.waitJob(res.json().job_id)
    assert.equal(job.status, 'failed')
    assert.match(job.error, /farm\/farm\.sqlite is missing/)
    const d = (await stack.gateway.inject({ url: `/v1/datasets/${res.json().id}`, headers: AUTH })).json()
    assert.equal(d.status, 'failed')
    assert.match(d.error, /farm\/farm\.sqlite/)
    const f = await stack.gateway.inject({ url: `/v1/datasets/${res.json().id}/files/train`, headers: AUTH })
    assert.equal(f.statusCode, 409)
  })

  test('the gold screen drops broken and non-read gold SQL by reason; a rebuild reuses the verdicts until the database changes', async () => {
    const dir = join(stack.dataDir, 'screen')
    mkdirSync(join(dir, 'dbs', 'farm'), { recursive: true })
    const dbFile = join(dir, 'dbs', 'farm', 'farm.sqlite')
    copyFileSync(join(data!, 'bird-sample', 'train_databases', 'farm', 'farm.sqlite'), dbFile)
    const alter = (sql: string) => { const db = new Database(dbFile); db.exec(sql); db.close() }
    // Verdicts are kept by file content: unlike the shared copy other tests screen, this one is new.
    alter('CREATE TABLE marker (x INTEGER)')
    const qs = (JSON.parse(readFileSync(join(data!, 'bird-sample', 'train.json'), 'utf8')) as Array<{ db_id: string, SQL: string }>).filter((q) => q.db_id === 'farm').slice(0, 6)
    qs[1] = { ...qs[1], SQL: 'SELECT no_such_column FROM farm' }
    qs[4] = { ...qs[4], SQL: 'DELETE FROM farm' }
    writeFileSync(join(dir, 'q.json'), JSON.stringify(qs))
    await stack.registerSource('farm-screen', 'screen/q.json', 'screen/dbs')
    const get = async (id: string) => (await stack.gateway.inject({ url: `/v1/datasets/${id}`, headers: AUTH })).json()

    const first = await get(await buildAndWait({ source: 'farm-screen', kind: 'sft' }))
    assert.deepEqual(first.counts, { questions: 6, kept: 4, dropped: 2, train: 2, test: 2 })
    assert.deepEqual(first.dropped.map((d: { index: number, reason: string }) => [d.index, d.reason]), [[1, 'gold_error'], [4, 'gold_rejected']])
    assert.match(first.dropped[0].detail, /no such column/)
    assert.deepEqual(first.stats.gold_check, { executed: 6, cached: 0 })
    const trainLines = await file(first.id, 'train')
    assert.ok(trainLines.every((l) => !l.includes('no_such_column') && !l.includes('DELETE')))

    const rebuilt = await get(await buildAndWait({ source: 'farm-screen', kind: 'sft', seed: 7 }))
    assert.deepEqual(rebuilt.stats.gold_check, { executed: 0, cached: 6 })
    const sse = await stack.gateway.inject({ url: `/v1/jobs/${rebuilt.job_id}/events`, headers: AUTH })
    assert.match(sse.body, /gold screen: 0 gold queries run, 6 verdicts known from earlier builds, 2 dropped/)
    assert.deepEqual(rebuilt.dropped, first.dropped)

    // A changed database file is a different database: every gold runs again.
    alter('CREATE TABLE extra (x INTEGER)')
    const changed = await get(await buildAndWait({ source: 'farm-screen', kind: 'sft' }))
    assert.deepEqual(changed.stats.gold_check, { executed: 6, cached: 0 })
    assert.deepEqual(changed.dropped, first.dropped)

    const kept = await get(await buildAndWait({ source: 'farm-screen', kind: 'sft', gold_check: 'keep' }))
    assert.equal(kept.counts.kept, 6)
    assert.equal(kept.stats.gold_check, undefined)
  })
})
