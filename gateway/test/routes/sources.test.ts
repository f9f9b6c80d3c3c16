import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SOURCE_VERBS, DOWNLOAD_VERBS } from '@t2s/core/contracts'
import { conflict, notFound } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const body = { name: 'demo', questions: 'demo/dev.json', databases: 'demo/dev_databases' }

test('POST /v1/sources forwards the body to the dataset service and answers 201 with the source', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${SOURCE_VERBS.create}`, examples.source)
  const res = await send(app, 'POST', '/v1/sources', body)
  assert.equal(res.statusCode, 201)
  assert.deepEqual(res.json(), examples.source)
  assert.deepEqual(bus.requests, [{ key: 'dataset.create_source', payload: body, timeout: 60_000 }])
})

test('POST /v1/sources: a bad body is a 400 naming the field, and reaches no service', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  assert.equal(problemOf(await send(app, 'POST', '/v1/sources', { ...body, databases: undefined }), 400).detail, "body must have required property 'databases'")
  assert.match(problemOf(await send(app, 'POST', '/v1/sources', { ...body, name: '../up' }), 400).detail, /^body\.name must match pattern/)
  assert.equal(problemOf(await send(app, 'POST', '/v1/sources', { ...body, qestions: 'x' }), 400).detail, "body must not have property 'qestions'")
  assert.deepEqual(bus.requests, [])
})

test("the dataset service's errors keep their status and message", async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${SOURCE_VERBS.create}`, conflict('a source named "demo" already exists'))
  bus.answer(`dataset.${SOURCE_VERBS.get}`, notFound('source nope not found'))
  const taken = problemOf(await send(app, 'POST', '/v1/sources', body), 409)
  assert.deepEqual(taken, { type: 'urn:t2s:problem:conflict', title: 'Conflict', status: 409, detail: 'a source named "demo" already exists', instance: '/v1/sources' })
  assert.equal(problemOf(await send(app, 'GET', '/v1/sources/nope'), 404).detail, 'source nope not found')
})

test('GET /v1/sources, /v1/sources/{id} and its questions page ask the dataset service with the defaults filled', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${SOURCE_VERBS.list}`, examples.sourceList)
  bus.answer(`dataset.${SOURCE_VERBS.get}`, examples.source)
  bus.answer(`dataset.${SOURCE_VERBS.questions}`, examples.questionPage)
  assert.deepEqual((await send(app, 'GET', '/v1/sources')).json(), examples.sourceList)
  assert.deepEqual((await send(app, 'GET', '/v1/sources/demo')).json(), examples.source)
  assert.deepEqual((await send(app, 'GET', '/v1/sources/demo/questions?limit=2')).json(), examples.questionPage)
  assert.deepEqual(bus.sent(`dataset.${SOURCE_VERBS.questions}`), [{ id: 'demo', offset: 0, limit: 2 }])
  assert.equal(problemOf(await send(app, 'GET', '/v1/sources/demo/questions?limit=0'), 400).detail, 'querystring.limit must be >= 1')
  assert.equal(problemOf(await send(app, 'GET', '/v1/sources/a%20b'), 400).detail, 'params.id must match pattern "^[A-Za-z0-9_.-]+$"')
})

test('GET /v1/sources/{id}/databases/{db_id}/schema sends params and query as one payload', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('dataset.get_schema', examples.databaseSchema)
  const res = await send(app, 'GET', '/v1/sources/demo/databases/library/schema?sample_rows=3')
  assert.deepEqual(res.json(), examples.databaseSchema)
  assert.deepEqual(bus.sent('dataset.get_schema'), [{ id: 'demo', db_id: 'library', sample_rows: 3, column_descriptions: false }])
})

test('POST /v1/sources/download queues the download job: 202 with the job', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${DOWNLOAD_VERBS.create}`, examples.downloadAccepted)
  const res = await send(app, 'POST', '/v1/sources/download', { name: 'bird-dev', split: 'dev' })
  assert.equal(res.statusCode, 202)
  assert.deepEqual(res.json(), examples.downloadAccepted)
  assert.equal(problemOf(await send(app, 'POST', '/v1/sources/download', { name: 'bird-dev', split: 'test' }), 400).detail, 'body.split must be one of "dev", "train"')
})

test('the source routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'POST', '/v1/sources', body)
  await assertNeedsKey(app, bus, 'GET', '/v1/sources/demo/questions')
  await assertNeedsKey(app, bus, 'POST', '/v1/sources/download', { name: 'bird-dev', split: 'dev' })
})
