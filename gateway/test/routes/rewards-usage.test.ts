import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_REWARD_ITEMS, REWARD_VERBS, USAGE_VERBS } from '@t2s/core/contracts'
import { conflict, ServiceError } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const batch = { source: 'demo', items: [{ question_id: 0, sql: 'SELECT 1' }] }

test('POST /v1/rewards scores the batch in the evaluator, with its default weights, within 300 s', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`evaluator.${REWARD_VERBS.score}`, examples.rewards, conflict('source demo has no question_id 99'))
  assert.deepEqual((await send(app, 'POST', '/v1/rewards', batch)).json(), examples.rewards)
  assert.deepEqual(bus.requests, [{ key: 'evaluator.score_rewards', payload: { ...batch, reward: { correct: 1, executable: 0.1, error: 0, format: 0 }, extraction: 'robust', timeout_s: 30 }, timeout: 300_000 }])
  assert.equal(problemOf(await send(app, 'POST', '/v1/rewards', batch), 409).detail, 'source demo has no question_id 99')
})

test(`POST /v1/rewards refuses more than ${MAX_REWARD_ITEMS} items, and an empty batch`, async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const many = { source: 'demo', items: Array.from({ length: MAX_REWARD_ITEMS + 1 }, (_v, i) => ({ question_id: i, sql: 'SELECT 1' })) }
  assert.equal(problemOf(await send(app, 'POST', '/v1/rewards', many), 400).detail, `body.items must NOT have more than ${MAX_REWARD_ITEMS} items`)
  assert.equal(problemOf(await send(app, 'POST', '/v1/rewards', { source: 'demo', items: [] }), 400).detail, 'body.items must NOT have fewer than 1 items')
  assert.deepEqual(bus.requests, [])
})

test('GET /v1/usage asks the dataset service, within 30 s; a service that is down is a 503', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${USAGE_VERBS.usage}`, examples.usage, new ServiceError('UNAVAILABLE', 'the dataset service is not running'))
  assert.deepEqual((await send(app, 'GET', '/v1/usage')).json(), examples.usage)
  assert.deepEqual(bus.requests, [{ key: 'dataset.disk_usage', payload: {}, timeout: 30_000 }])
  assert.equal(problemOf(await send(app, 'GET', '/v1/usage'), 503).detail, 'the dataset service is not running')
})

test('the reward and usage routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'POST', '/v1/rewards', batch)
  await assertNeedsKey(app, bus, 'GET', '/v1/usage')
})
