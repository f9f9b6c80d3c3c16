import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MODEL_SERVER_VERBS, EVALUATION_VERBS } from '@t2s/core/contracts'
import { conflict, ServiceError } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const key = (verb: string) => `evaluator.${verb}`
const server = examples.modelServer

test('POST /v1/model-servers registers through the evaluator: 201; a server that does not answer its probe is a 422', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const body = { name: server.name, base_url: server.base_url, api_key: 'secret', default_model: server.default_model }
  bus.answer(key(MODEL_SERVER_VERBS.create), server, new ServiceError('UNPROCESSABLE', 'model server "second-vllm" did not list its models'))
  const res = await send(app, 'POST', '/v1/model-servers', body)
  assert.equal(res.statusCode, 201)
  assert.deepEqual(res.json(), server)
  assert.equal(bus.requests[0].timeout, 30_000)
  assert.equal(problemOf(await send(app, 'POST', '/v1/model-servers', body), 422).detail, 'model server "second-vllm" did not list its models')
})

test('GET the list and one server; PATCH sends the name and the patch apart', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(key(MODEL_SERVER_VERBS.list), examples.modelServerList)
  bus.answer(key(MODEL_SERVER_VERBS.get), server)
  bus.answer(key(MODEL_SERVER_VERBS.update), { ...server, concurrency: 8 })
  assert.deepEqual((await send(app, 'GET', '/v1/model-servers')).json(), examples.modelServerList)
  assert.deepEqual((await send(app, 'GET', `/v1/model-servers/${server.name}`)).json(), server)
  assert.deepEqual(bus.sent(key(MODEL_SERVER_VERBS.get)), [{ name: server.name }])
  const patched = await send(app, 'PATCH', `/v1/model-servers/${server.name}`, { concurrency: 8 })
  assert.equal(patched.json().concurrency, 8)
  assert.deepEqual(bus.sent(key(MODEL_SERVER_VERBS.update)), [{ name: server.name, patch: { concurrency: 8 } }])
  assert.equal(problemOf(await send(app, 'PATCH', `/v1/model-servers/${server.name}`, { description: 'x' }), 400).detail, "body must not have property 'description'")
  assert.match(problemOf(await send(app, 'GET', '/v1/model-servers/Bad_Name'), 400).detail, /^params\.name must match pattern/)
})

test('DELETE /v1/model-servers/{name} is a 204; a server a running evaluation asks is a 409', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(key(MODEL_SERVER_VERBS.delete), null, conflict('model server "second-vllm" is used by evaluation ev_1 (running)'))
  assert.equal((await send(app, 'DELETE', `/v1/model-servers/${server.name}`)).statusCode, 204)
  assert.equal(problemOf(await send(app, 'DELETE', `/v1/model-servers/${server.name}`), 409).detail, 'model server "second-vllm" is used by evaluation ev_1 (running)')
})

test('GET /v1/models asks the evaluator what the servers serve', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(key(EVALUATION_VERBS.models), examples.models)
  assert.deepEqual((await send(app, 'GET', '/v1/models')).json(), examples.models)
  assert.deepEqual(bus.requests, [{ key: 'evaluator.list_models', payload: {}, timeout: 15_000 }])
})

test('the model routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'GET', '/v1/models')
  await assertNeedsKey(app, bus, 'PATCH', `/v1/model-servers/${server.name}`, { concurrency: 8 })
  await assertNeedsKey(app, bus, 'DELETE', `/v1/model-servers/${server.name}`)
})
