import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DATASET_VERBS } from '@t2s/core/contracts'
import { conflict, ServiceError } from '@t2s/core'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const create = `dataset.${DATASET_VERBS.create}`

test('POST /v1/datasets: an SFT build goes to the dataset service, a CoT build to reasoning, with the defaults filled; 202 with the job', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(create, examples.datasetAccepted)
  bus.answer(`reasoning.${DATASET_VERBS.create}`, { ...examples.datasetAccepted, id: 'cot_1' })
  const sft = await send(app, 'POST', '/v1/datasets', { source: 'demo', kind: 'sft' })
  assert.equal(sft.statusCode, 202)
  assert.deepEqual(sft.json(), examples.datasetAccepted)
  const [payload] = bus.sent(create) as Array<Record<string, unknown>>
  assert.deepEqual({ source: payload.source, kind: payload.kind, test_size: payload.test_size, seed: payload.seed }, { source: 'demo', kind: 'sft', test_size: 0.3, seed: 42 })
  assert.equal(bus.requests[0].timeout, 30_000)
  const cot = await send(app, 'POST', '/v1/datasets', { source: 'demo', kind: 'cot' })
  assert.equal(cot.json().id, 'cot_1')
})

test('POST /v1/datasets carries the Idempotency-Key header to the service as idempotency_key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(create, examples.datasetAccepted)
  await send(app, 'POST', '/v1/datasets', { source: 'demo', kind: 'sft' }, { 'idempotency-key': 'build-1' })
  assert.equal((bus.sent(create)[0] as { idempotency_key: string }).idempotency_key, 'build-1')
  assert.equal(problemOf(await send(app, 'POST', '/v1/datasets', { source: 'demo', kind: 'sft' }, { 'idempotency-key': '' }), 400).detail, 'headers.idempotency-key must NOT have fewer than 1 characters')
  // Ajv's discriminator wording; it names the field but not the kinds allowed.
  assert.equal(problemOf(await send(app, 'POST', '/v1/datasets', { source: 'demo', kind: 'sql' }), 400).detail, 'body.kind "sql" is not a known kind')
  assert.equal(bus.sent(create).length, 1)
})

test('GET /v1/datasets lists both services newest first; a service that is not running has none, other errors surface', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  const older = { ...examples.dataset, id: 'ds_old', created_at: '2026-12-01T00:00:00.000Z' }
  const cot = { ...examples.dataset, id: 'cot_new', kind: 'cot', created_at: '2026-12-07T00:00:00.000Z' }
  bus.answer(`dataset.${DATASET_VERBS.list}`, { items: [examples.dataset, older] })
  bus.answer(`reasoning.${DATASET_VERBS.list}`, { items: [cot] }, new ServiceError('UNAVAILABLE', 'the reasoning service is not running'), new ServiceError('TIMEOUT', 'the reasoning service did not answer in time'))
  const both = (await send(app, 'GET', '/v1/datasets')).json()
  assert.deepEqual(both.items.map((d: { id: string }) => d.id), ['cot_new', examples.dataset.id, 'ds_old'])
  assert.equal(both.total, 3)
  assert.deepEqual((await send(app, 'GET', '/v1/datasets')).json().total, 2)
  assert.equal(problemOf(await send(app, 'GET', '/v1/datasets'), 504).detail, 'the reasoning service did not answer in time')
})

test('GET /v1/datasets/{id} asks the service the id prefix names', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(`dataset.${DATASET_VERBS.get}`, examples.dataset)
  bus.answer(`reasoning.${DATASET_VERBS.get}`, new ServiceError('NOT_FOUND', 'dataset cot_x not found'))
  assert.deepEqual((await send(app, 'GET', `/v1/datasets/${examples.dataset.id}`)).json(), examples.dataset)
  assert.equal(problemOf(await send(app, 'GET', '/v1/datasets/cot_x'), 404).detail, 'dataset cot_x not found')
})

test('GET /v1/datasets/{id}/files/{split} streams the file under DATA_DIR as JSON lines; a path outside it is a 500 that names no path', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 't2s-gw-files-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  mkdirSync(join(dataDir, 'datasets', 'ds_1'), { recursive: true })
  writeFileSync(join(dataDir, 'datasets', 'ds_1', 'train.jsonl'), examples.datasetFile)
  const { app, bus } = await buildOnFakeBus(t, { dataDir })
  const file = `dataset.${DATASET_VERBS.file}`
  bus.answer(file, { path: 'datasets/ds_1/train.jsonl', bytes: Buffer.byteLength(examples.datasetFile) }, { path: '../etc/passwd', bytes: 10 }, conflict('dataset ds_1 is still being built'))
  const res = await send(app, 'GET', '/v1/datasets/ds_1/files/train')
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'application/x-ndjson; charset=utf-8')
  assert.equal(res.headers['content-disposition'], 'attachment; filename="ds_1-train.jsonl"')
  assert.equal(res.body, examples.datasetFile)
  assert.deepEqual(bus.sent(file), [{ id: 'ds_1', split: 'train' }])
  const outside = problemOf(await send(app, 'GET', '/v1/datasets/ds_1/files/train'), 500)
  assert.equal(outside.detail, 'dataset file outside DATA_DIR')
  assert.equal(problemOf(await send(app, 'GET', '/v1/datasets/ds_1/files/test'), 409).detail, 'dataset ds_1 is still being built')
})

test('the dataset routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'POST', '/v1/datasets', { source: 'demo', kind: 'sft' })
  await assertNeedsKey(app, bus, 'GET', '/v1/datasets')
  await assertNeedsKey(app, bus, 'GET', '/v1/datasets/ds_1/files/train')
})
