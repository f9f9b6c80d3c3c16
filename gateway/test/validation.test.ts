import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from 'typebox'
import { createLogger, ServiceError } from '@t2s/core'
import { connectNats, callService, serveEndpoints } from '@t2s/core/nats'
import { buildGateway } from '../src/app.js'
import { startNatsServer } from '../../test/helpers/nats-server.js'

const Body = Type.Object({ name: Type.String(), limit: Type.Integer({ default: 10 }) }, { additionalProperties: false })

test('a NATS endpoint judges a payload as the gateway does: unknown fields refused naming them, defaults filled', async (t) => {
  const nats = await startNatsServer()
  t.after(async () => await nats.stop())
  const log = createLogger('test', 'silent')
  const nc = await connectNats(nats.url, 'test', log)
  t.after(async () => await nc.close())
  const svc = await serveEndpoints(nc, { name: 'dataset', version: '0.0.0', description: 'test', log }, {
    echo: { input: Body, handler: (b: unknown) => b }
  })
  t.after(async () => await svc.stop())

  assert.deepEqual(await callService(nc, 'dataset', 'echo', { name: 'a' }), { name: 'a', limit: 10 })
  await assert.rejects(callService(nc, 'dataset', 'echo', { name: 'a', limt: 5 }), (err: unknown) =>
    err instanceof ServiceError && err.code === 400 && err.message === "request must not have property 'limt'")

  // The same schema behind the gateway's HTTP validation gives the same verdict and wording.
  const app = await buildGateway({ apiKeys: ['k'] })
  app.post('/echo', { schema: { body: Body } }, async (request) => request.body)
  const res = await app.inject({ method: 'POST', url: '/echo', headers: { authorization: 'Bearer k' }, payload: { name: 'a', limt: 5 } })
  await app.close()
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().detail, "body must not have property 'limt'")
})

test('a value outside a union of literals is refused naming every allowed value', async (t) => {
  const app = await buildGateway({ apiKeys: ['k'] })
  t.after(async () => await app.close())
  const headers = { authorization: 'Bearer k' }
  let res = await app.inject({ url: '/v1/datasets/ds_1/files/validation', headers })
  assert.equal(res.statusCode, 400)
  assert.equal(res.json().detail, 'params.split must be one of "train", "test"')
  res = await app.inject({ url: '/v1/jobs?status=done', headers })
  assert.equal(res.json().detail, 'querystring.status must be one of "queued", "running", "succeeded", "failed", "cancelled"')
  res = await app.inject({ method: 'POST', url: '/v1/training-jobs', headers, payload: { dataset: 'ds_1', adapter_name: 'a', method: 'dora' } })
  assert.equal(res.statusCode, 400)
  assert.match(res.json().detail, /^body\.method must be one of /)
})
