import assert from 'node:assert/strict'
import { test } from 'node:test'
import { COMPARE_VERBS, EVALUATION_VERBS } from '@t2s/core/contracts'
import { conflict, notFound } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const create = `evaluator.${EVALUATION_VERBS.create}`
const predictions = examples.predictions

/** A multipart/form-data body: the fields, then one file part named predictions. */
function form (fields: Record<string, string>, file: string) {
  const boundary = 't2s-boundary'
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
  parts.push(`--${boundary}\r\ncontent-disposition: form-data; name="predictions"; filename="predict_dev.json"\r\ncontent-type: application/json\r\n\r\n${file}\r\n--${boundary}--\r\n`)
  return { payload: parts.join(''), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

test('POST /v1/evaluations forwards a predictions body to the evaluator: 202 with the evaluation and its job', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(create, examples.evaluationAccepted)
  const res = await send(app, 'POST', '/v1/evaluations', { source: 'demo', predictions })
  assert.equal(res.statusCode, 202)
  assert.deepEqual(res.json(), examples.evaluationAccepted)
  const [sent] = bus.sent(create) as Array<Record<string, unknown>>
  assert.deepEqual(sent.predictions, predictions)
  assert.equal(bus.requests[0].timeout, 30_000)
  assert.match(problemOf(await send(app, 'POST', '/v1/evaluations', { predictions }), 400).detail, /^body must have required property 'source'/)
})

test('POST /v1/evaluations as an upload: the file is parsed and sent as predictions; a file that is not JSON, or too large for the bus, is refused before it', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(create, examples.evaluationAccepted)
  const upload = form({ source: 'demo', limit: '2' }, JSON.stringify(predictions))
  const res = await app.inject({ method: 'POST', url: '/v1/evaluations', headers: { ...upload.headers, authorization: 'Bearer test-key-0123456789' }, payload: upload.payload })
  assert.equal(res.statusCode, 202, res.body)
  assert.deepEqual(bus.sent(create), [{ source: 'demo', limit: 2, predictions, timeout_s: 30, system_prompt: 'plain', extraction: 'robust', concurrency: 32, samples: 1, request_timeout_s: 120 }])

  const notJson = form({ source: 'demo' }, '{"0": ')
  const bad = await app.inject({ method: 'POST', url: '/v1/evaluations', headers: { ...notJson.headers, authorization: 'Bearer test-key-0123456789' }, payload: notJson.payload })
  assert.match(problemOf(bad, 400).detail, /^the predictions file is not JSON \(/)

  bus.maxPayload = 64 * 1024 + 100
  const large = form({ source: 'demo' }, JSON.stringify(predictions))
  const tooLarge = await app.inject({ method: 'POST', url: '/v1/evaluations', headers: { ...large.headers, authorization: 'Bearer test-key-0123456789' }, payload: large.payload })
  assert.equal(problemOf(tooLarge, 413).detail, 'the predictions file is larger than the message bus carries (0 KiB)')
  assert.equal(bus.sent(create).length, 1)
})

test('GET /v1/evaluations and /v1/evaluations/{id} ask the evaluator; 404 and 409 keep their message', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`evaluator.${EVALUATION_VERBS.list}`, examples.evaluationList)
  bus.answer(`evaluator.${EVALUATION_VERBS.get}`, examples.evaluation, notFound('evaluation ev_x not found'))
  assert.deepEqual((await send(app, 'GET', '/v1/evaluations')).json(), examples.evaluationList)
  assert.deepEqual(bus.sent(`evaluator.${EVALUATION_VERBS.list}`), [{ limit: 20 }])
  assert.deepEqual((await send(app, 'GET', `/v1/evaluations/${examples.evaluation.id}`)).json(), examples.evaluation)
  assert.equal(problemOf(await send(app, 'GET', '/v1/evaluations/ev_x'), 404).detail, 'evaluation ev_x not found')
  assert.equal(problemOf(await send(app, 'GET', '/v1/evaluations?limit=101'), 400).detail, 'querystring.limit must be <= 100')
})

test('GET /v1/evaluations/{id}/items gathers a page from as many chunks as the evaluator sends', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const [first, second] = examples.itemPage.items
  bus.answer(`evaluator.${EVALUATION_VERBS.items}`, { items: [first], total: 2, next_offset: 1 }, { items: [second], total: 2, next_offset: 2 })
  const res = await send(app, 'GET', '/v1/evaluations/ev_1/items?limit=2&status=correct')
  assert.deepEqual(res.json(), examples.itemPage)
  assert.deepEqual(bus.sent(`evaluator.${EVALUATION_VERBS.items}`), [
    { id: 'ev_1', offset: 0, limit: 2, status: 'correct' },
    { id: 'ev_1', offset: 1, limit: 1, status: 'correct' }
  ])
  assert.equal(problemOf(await send(app, 'GET', '/v1/evaluations/ev_1/items?status=right'), 400).detail.slice(0, 39), 'querystring.status must be one of "corr')
})

test('GET /v1/evaluations/{id}/predictions rebuilds the official file from its chunks, as an attachment', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const entries = Object.entries(predictions).map(([i, sql]) => [Number(i), sql])
  bus.answer(`evaluator.${EVALUATION_VERBS.predictions}`, { items: entries.slice(0, 1), next_offset: 1 }, { items: entries.slice(1), next_offset: null }, conflict('evaluation ev_2 has not finished'))
  const res = await send(app, 'GET', '/v1/evaluations/ev_1/predictions')
  assert.deepEqual(res.json(), predictions)
  assert.equal(res.headers['content-disposition'], 'attachment; filename="predict_ev_1.json"')
  assert.deepEqual(bus.sent(`evaluator.${EVALUATION_VERBS.predictions}`), [{ id: 'ev_1', offset: 0 }, { id: 'ev_1', offset: 1 }])
  assert.equal(problemOf(await send(app, 'GET', '/v1/evaluations/ev_2/predictions'), 409).detail, 'evaluation ev_2 has not finished')
})

test('GET /v1/evaluations/compare sends the query with its defaults; the flips page is gathered from chunks', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const ids = examples.comparison.ids
  bus.answer(`evaluator.${COMPARE_VERBS.compare}`, examples.comparison, notFound('evaluation ev_z not found'))
  bus.answer(`evaluator.${COMPARE_VERBS.flips}`, { items: examples.flipPage.items, total: 1, next_offset: 1 }, { items: [], total: 1, next_offset: 1 })
  assert.deepEqual((await send(app, 'GET', `/v1/evaluations/compare?ids=${ids.join(',')}`)).json(), examples.comparison)
  assert.deepEqual(bus.requests[0], { key: `evaluator.${COMPARE_VERBS.compare}`, payload: { ids: ids.join(','), resamples: 2000, seed: 2026 }, timeout: 30_000 })
  assert.equal(problemOf(await send(app, 'GET', '/v1/evaluations/compare?ids=ev_a,ev_z'), 404).detail, 'evaluation ev_z not found')
  assert.equal(problemOf(await send(app, 'GET', '/v1/evaluations/compare?ids=a,b&resamples=5'), 400).detail, 'querystring.resamples must be >= 100')
  assert.deepEqual((await send(app, 'GET', `/v1/evaluations/compare/flips?a=${ids[0]}&b=${ids[1]}&limit=5`)).json(), examples.flipPage)
  assert.deepEqual(bus.sent(`evaluator.${COMPARE_VERBS.flips}`), [
    { a: ids[0], b: ids[1], offset: 0, limit: 5 },
    { a: ids[0], b: ids[1], offset: 1, limit: 4 }
  ])
})

test('the evaluation routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'POST', '/v1/evaluations', { source: 'demo', predictions })
  await assertNeedsKey(app, bus, 'GET', '/v1/evaluations/ev_1/items')
  await assertNeedsKey(app, bus, 'GET', '/v1/evaluations/compare?ids=a,b')
})
