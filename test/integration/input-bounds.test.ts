import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { TEXT_LIMITS } from '@t2s/core/contracts'
import { buildDemo } from '../../scripts/build-demo.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

/**
 * Issue 12 findings 3 and 8 (registration part): every text that enters has a bound that is
 * checked before any expensive work, and registering a source cannot probe the suite's own
 * files under DATA_DIR. Runs on the demo source, so it needs no benchmark data.
 */
describe('input bounds and registration answers (demo source)', { timeout: 180_000 }, () => {
  let stack: Stack
  const post = async (url: string, payload: object) => await stack.gateway.inject({ method: 'POST', url, headers: AUTH, payload })
  let demo: Array<Record<string, unknown>>

  before(async () => {
    stack = await startStack(['dataset', 'evaluator'])
    buildDemo(join(stack.dataDir, 'demo'))
    demo = JSON.parse(readFileSync(join(stack.dataDir, 'demo', 'dev.json'), 'utf8'))
    await stack.registerSource('demo', 'demo/dev.json', 'demo/dev_databases')
  })
  after(async () => { await stack?.stop() })

  test('a 5 MB question is refused at registration with a 400 naming it; the dataset service stays responsive', async () => {
    const items = structuredClone(demo)
    items[3].question = 'why '.repeat(1_250_000)
    mkdirSync(join(stack.dataDir, 'huge'), { recursive: true })
    writeFileSync(join(stack.dataDir, 'huge', 'dev.json'), JSON.stringify(items))
    const res = await post('/v1/sources', { name: 'huge', questions: 'huge/dev.json', databases: 'demo/dev_databases' })
    assert.equal(res.statusCode, 400, res.body)
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    assert.equal(res.json().detail, `questions[3].question is 5000000 characters; the limit is ${TEXT_LIMITS.question}`)
    const sql = await post('/v1/sql/execute', { source: 'demo', db_id: 'library', sql: 'SELECT count(*) FROM loans' })
    assert.equal(sql.statusCode, 200)
    assert.deepEqual(sql.json().rows, [[340]])
  })

  test('evidence and gold SQL over their limits are refused the same way', async () => {
    for (const [field, key, limit] of [['evidence', 'evidence', TEXT_LIMITS.evidence], ['SQL', 'SQL', TEXT_LIMITS.sql]] as const) {
      const items = structuredClone(demo)
      items[5][key] = 'x'.repeat(limit + 1)
      writeFileSync(join(stack.dataDir, 'huge', 'dev.json'), JSON.stringify(items))
      const res = await post('/v1/sources', { name: 'huge', questions: 'huge/dev.json', databases: 'demo/dev_databases' })
      assert.equal(res.statusCode, 400, res.body)
      assert.equal(res.json().detail, `questions[5].${field} is ${limit + 1} characters; the limit is ${limit}`)
    }
  })

  test('an over-long SQL query or prediction is a 400 at submission, before any work', async () => {
    const sql = await post('/v1/sql/execute', { source: 'demo', db_id: 'library', sql: 'SELECT 1 ' + ' '.repeat(TEXT_LIMITS.sql) })
    assert.equal(sql.statusCode, 400, sql.body)
    const list = await post('/v1/evaluations', { source: 'demo', predictions: [{ question_id: 0, sql: 'SELECT ' + '1'.repeat(TEXT_LIMITS.sql) }] })
    assert.equal(list.statusCode, 400, list.body)
    assert.match(list.json().detail, /predictions/)
    const official = await post('/v1/evaluations', { source: 'demo', limit: 1, predictions: { 0: 'SELECT ' + '1'.repeat(TEXT_LIMITS.sql + 512) + '\t----- bird -----\tlibrary' } })
    assert.equal(official.statusCode, 400, official.body)
    const dataset = await post('/v1/datasets', { source: 's'.repeat(TEXT_LIMITS.name + 1), kind: 'sft' })
    assert.equal(dataset.statusCode, 400, dataset.body)
  })

  test("registration answers the suite's own files under DATA_DIR exactly as a missing path", async () => {
    const answer = async (questions: string) => {
      const res = await post('/v1/sources', { name: 'probe', questions, databases: 'demo/dev_databases' })
      assert.equal(res.statusCode, 400, res.body)
      return res.json().detail.replace(questions, '<path>')
    }
    const missing = await answer('no/such/file.json')
    assert.equal(missing, 'questions "<path>": not found under the allowed source roots (DATA_DIR); a relative path is looked up in each')
    for (const own of ['dataset/state.db', 'evaluator/state.db', join(stack.dataDir, 'dataset', 'state.db'), 'dataset']) {
      assert.equal(await answer(own), missing, own)
    }
    // A user's file that is not JSON still gets the helpful answer.
    writeFileSync(join(stack.dataDir, 'notes.txt'), 'not json')
    assert.equal(await answer('notes.txt'), 'questions: the file is not valid JSON')
  })
})
