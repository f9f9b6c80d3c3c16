import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SOURCE_VERBS } from '@t2s/core/contracts'
import { ErrorCodes, ServiceError, type ErrorCodeName } from '@t2s/core'
import { buildOnFakeBus, send } from './fake-bus.js'
import { problemOf } from './helper.js'

const LIST = `dataset.${SOURCE_VERBS.list}`

test("every code of core's error table reaches HTTP with its status, title and type, the service's message as detail", async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  for (const [name, { code, title }] of Object.entries(ErrorCodes)) {
    bus.answer(LIST, new ServiceError(name as ErrorCodeName, `the service said ${name}`))
    const res = await send(app, 'GET', '/v1/sources')
    assert.deepEqual(problemOf(res, code), {
      type: `urn:t2s:problem:${name.toLowerCase().replaceAll('_', '-')}`, title, status: code, detail: `the service said ${name}`, instance: '/v1/sources'
    })
  }
})

test('an error that is no ServiceError is a 500 "internal error": its message, stack and paths stay in the log', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(LIST, new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/t2s/dataset.db: SELECT * FROM sources'))
  const body = problemOf(await send(app, 'GET', '/v1/sources'), 500)
  assert.deepEqual(body, { type: 'urn:t2s:problem:internal', title: 'Internal Server Error', status: 500, detail: 'internal error', instance: '/v1/sources' })
})

test('a reply that does not fit the response schema is a 500, not a half-written answer', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer(LIST, { items: [{ id: 'src_1' }], total: 1 })
  assert.equal(problemOf(await send(app, 'GET', '/v1/sources'), 500).detail, 'internal error')
})
