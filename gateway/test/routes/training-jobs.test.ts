import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TRAINING_VERBS } from '@t2s/core/contracts'
import { notFound, unavailable } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const body = { dataset: examples.trainingJob.dataset, method: 'lora', adapter_name: 'demo-sft' }

test('POST /v1/training-jobs forwards the request to the trainer: 202 with the job; no trainer is a 503 saying so', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`trainer.${TRAINING_VERBS.create}`, examples.trainingAccepted, unavailable('the trainer service is not running'))
  const res = await send(app, 'POST', '/v1/training-jobs', body)
  assert.equal(res.statusCode, 202)
  assert.deepEqual(res.json(), examples.trainingAccepted)
  assert.deepEqual(bus.requests, [{ key: 'trainer.create_training_job', payload: { ...body, hyperparameters: {} }, timeout: 30_000 }])
  assert.equal(problemOf(await send(app, 'POST', '/v1/training-jobs', body), 503).detail, 'the trainer service is not running')
  assert.match(problemOf(await send(app, 'POST', '/v1/training-jobs', { ...body, adapter_name: 'a b' }), 400).detail, /^body\.adapter_name must match pattern/)
  assert.equal(bus.requests.length, 2)
})

test('GET /v1/training-jobs, one job and its loss chart ask the trainer', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const id = examples.trainingJob.id
  bus.answer(`trainer.${TRAINING_VERBS.list}`, examples.trainingJobList)
  bus.answer(`trainer.${TRAINING_VERBS.get}`, examples.trainingJob, notFound('training job tj_x not found'))
  bus.answer(`trainer.${TRAINING_VERBS.lossSvg}`, { svg: examples.lossSvg })
  assert.deepEqual((await send(app, 'GET', '/v1/training-jobs?limit=1')).json(), examples.trainingJobList)
  assert.deepEqual(bus.sent(`trainer.${TRAINING_VERBS.list}`), [{ offset: 0, limit: 1 }])
  assert.deepEqual((await send(app, 'GET', `/v1/training-jobs/${id}`)).json(), examples.trainingJob)
  assert.equal(problemOf(await send(app, 'GET', '/v1/training-jobs/tj_x'), 404).detail, 'training job tj_x not found')
  const svg = await send(app, 'GET', `/v1/training-jobs/${id}/loss.svg`)
  assert.equal(svg.headers['content-type'], 'image/svg+xml; charset=utf-8')
  assert.equal(svg.headers['cache-control'], 'no-cache')
  assert.equal(svg.body, examples.lossSvg)
  assert.deepEqual(bus.sent(`trainer.${TRAINING_VERBS.lossSvg}`), [{ id }])
})

test('the training routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'POST', '/v1/training-jobs', body)
  await assertNeedsKey(app, bus, 'GET', `/v1/training-jobs/${examples.trainingJob.id}/loss.svg`)
})
