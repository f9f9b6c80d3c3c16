import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLogger } from '@t2s/core'
import { connectNats } from '@t2s/core/nats'
import { ensureJetStream, JobStore } from '@t2s/core/jobs'
import { startNatsServer } from '../../test/helpers/nats-server.js'
import { auth, build } from './helper.js'

const ORIGIN = 'https://console.example'

test('a CORS preflight from an allowed origin is answered 204 without a key, naming the bearer header', async (t) => {
  const app = await build(t, { corsOrigins: [ORIGIN] })
  const res = await app.inject({
    method: 'OPTIONS',
    url: '/v1/sources',
    headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' }
  })
  assert.equal(res.statusCode, 204)
  assert.equal(res.headers['access-control-allow-origin'], ORIGIN)
  assert.equal(res.headers['access-control-allow-methods'], 'GET, POST')
  assert.equal(res.headers['access-control-allow-headers'], 'authorization, content-type, last-event-id, idempotency-key')
  assert.equal(res.headers['access-control-max-age'], '600')
})

test('a browser call with a bearer key gets the allow-origin header; another origin does not', async (t) => {
  const app = await build(t, { corsOrigins: [ORIGIN] })
  const res = await app.inject({ url: '/v1/jobs', headers: { ...auth, origin: ORIGIN } })
  // No bus here: 503, but a problem the browser script may read.
  assert.equal(res.statusCode, 503)
  assert.equal(res.headers['access-control-allow-origin'], ORIGIN)
  assert.match(String(res.headers['access-control-expose-headers']), /retry-after/)
  const other = await app.inject({ url: '/v1/jobs', headers: { ...auth, origin: 'https://evil.example' } })
  assert.equal(other.headers['access-control-allow-origin'], undefined)
  const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/jobs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })
  assert.equal(preflight.headers['access-control-allow-origin'], undefined)
})

test('without T2S_CORS_ORIGINS no origin is allowed', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/healthz', headers: { origin: ORIGIN } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['access-control-allow-origin'], undefined)
})

test('the event stream carries the headers fastify set (CORS, security headers)', async (t) => {
  const nats = await startNatsServer()
  t.after(async () => await nats.stop())
  const nc = await connectNats(nats.url, 'test', createLogger('test', 'silent'))
  t.after(async () => await nc.close())
  const { kv } = await ensureJetStream(nc)
  const jobs = new JobStore(nc, kv)
  const app = await build(t, { nc, jobs, corsOrigins: [ORIGIN] })
  const job = await jobs.submit({ kind: 'test.noop', service: 'nobody', params: {}, resource: null, unit: 'items' })
  await jobs.cancel(job.id)
  const res = await app.inject({ url: `/v1/jobs/${job.id}/events`, headers: { ...auth, origin: ORIGIN } })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
  assert.equal(res.headers['access-control-allow-origin'], ORIGIN)
  assert.equal(res.headers['x-content-type-options'], 'nosniff')
  assert.match(res.body, /event: status\ndata: \{"type":"status","job_id":"[^"]+","status":"cancelled"/)
})
