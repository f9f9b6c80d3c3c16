import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EVALUATION_VERBS, SQL_VERBS } from '@t2s/core/contracts'
import { ServiceError } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const query = { source: 'demo', db_id: 'library', sql: 'SELECT count(*) FROM loans' }
const question = { source: 'demo', db_id: 'library', question: 'How many books in the catalogue are mysteries?', model: 'demo-sft' }

test("POST /v1/sql/execute runs in the dataset service's sandbox, the call allowed the query's time plus 15 s", async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${SQL_VERBS.execute}`, examples.sqlResult)
  const res = await send(app, 'POST', '/v1/sql/execute', { ...query, timeout_ms: 2000 })
  assert.deepEqual(res.json(), examples.sqlResult)
  assert.deepEqual(bus.requests, [{ key: 'dataset.execute_sql', payload: { ...query, timeout_ms: 2000, max_rows: 1000 }, timeout: 17_000 }])
  assert.equal(problemOf(await send(app, 'POST', '/v1/sql/execute', { ...query, sql: '' }), 400).detail, 'body.sql must NOT have fewer than 1 characters')
})

test('POST /v1/sql/generate asks the evaluator; a student that is not configured is a 503, one that is too slow a 504', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const generate = `evaluator.${EVALUATION_VERBS.generate}`
  bus.answer(generate, examples.sqlGenerate, new ServiceError('UNAVAILABLE', 'no student server: set STUDENT_BASE_URL'), new ServiceError('TIMEOUT', 'the evaluator service did not answer in time'))
  assert.deepEqual((await send(app, 'POST', '/v1/sql/generate', question)).json(), examples.sqlGenerate)
  assert.equal(bus.requests[0].timeout, 180_000)
  assert.equal(problemOf(await send(app, 'POST', '/v1/sql/generate', question), 503).detail, 'no student server: set STUDENT_BASE_URL')
  const slow = problemOf(await send(app, 'POST', '/v1/sql/generate', question), 504)
  assert.deepEqual([slow.type, slow.title], ['urn:t2s:problem:timeout', 'Gateway Timeout'])
})

test('the SQL routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'POST', '/v1/sql/execute', query)
  await assertNeedsKey(app, bus, 'POST', '/v1/sql/generate', question)
})
