import assert from 'node:assert/strict'
import { test } from 'node:test'
import { conflict } from '@t2s/core'
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

// Each DELETE route and the service verb that deletes (datasets: the service the id prefix names).
const DELETES = [
  { url: '/v1/sources/demo', key: 'dataset.delete_source', payload: { id: 'demo' }, timeout: undefined },
  { url: '/v1/datasets/ds_1', key: 'dataset.delete_dataset', payload: { id: 'ds_1' }, timeout: undefined },
  { url: '/v1/datasets/cot_1', key: 'reasoning.delete_dataset', payload: { id: 'cot_1' }, timeout: undefined },
  { url: '/v1/evaluations/ev_1', key: 'evaluator.delete_evaluation', payload: { id: 'ev_1' }, timeout: undefined },
  { url: '/v1/training-jobs/tj_1', key: 'trainer.delete_training_job', payload: { id: 'tj_1' }, timeout: 60_000 }
]

test('each DELETE asks its service once and answers 204 with no body', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  for (const d of DELETES) {
    bus.answer(d.key, null)
    const res = await send(app, 'DELETE', d.url)
    assert.equal(res.statusCode, 204, d.url)
    assert.equal(res.body, '')
  }
  assert.deepEqual(bus.requests, DELETES.map((d) => ({ key: d.key, payload: d.payload, ...(d.timeout === undefined ? {} : { timeout: d.timeout }) })))
})

test("a DELETE of something in use is the service's 409, naming what uses it", async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  for (const d of DELETES) {
    const why = `${d.payload.id} is used by job job_1 (running): cancel it first`
    bus.answer(d.key, conflict(why))
    assert.equal(problemOf(await send(app, 'DELETE', d.url), 409).detail, why)
  }
})

test('a DELETE with a bad id is a 400, and without a key a 401; neither reaches a service', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  assert.equal(problemOf(await send(app, 'DELETE', '/v1/evaluations/ev%201'), 400).detail, 'params.id must match pattern "^[A-Za-z0-9_.-]+$"')
  for (const d of DELETES) await assertNeedsKey(app, bus, 'DELETE', d.url)
})
