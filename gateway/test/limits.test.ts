import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { test } from 'node:test'
import { auth, build, KEY, problemOf } from './helper.js'

test('failed authentications are limited per address; the limited address is refused even with a right key', async (t) => {
  const app = await build(t, { authFailuresMax: 3 })
  const from = (remoteAddress: string, authorization: string) => app.inject({ url: '/v1/jobs/x', remoteAddress, headers: { authorization } })
  for (let i = 0; i < 3; i++) assert.equal((await from('10.0.0.1', `Bearer guess-${i}`)).statusCode, 401)
  const limited = await from('10.0.0.1', 'Bearer guess-3')
  assert.equal(problemOf(limited, 429).detail, `too many failed authentications from this address; retry in ${limited.headers['retry-after']} s`)
  assert.ok(Number(limited.headers['retry-after']) > 0)
  assert.equal((await from('10.0.0.1', `Bearer ${KEY}`)).statusCode, 429)
  // Another address, and routes without a key, are not affected.
  assert.equal((await from('10.0.0.2', 'Bearer guess-0')).statusCode, 401)
  assert.notEqual((await from('10.0.0.2', `Bearer ${KEY}`)).statusCode, 429)
  assert.equal((await app.inject({ url: '/healthz', remoteAddress: '10.0.0.1' })).statusCode, 200)
})

test('health probes have their own bucket: a flood of anonymous requests does not turn them into 429', async (t) => {
  const app = await build(t, { rateLimitMax: 2 })
  for (let i = 0; i < 3; i++) await app.inject({ url: '/v1/nope' })
  assert.equal((await app.inject({ url: '/v1/nope' })).statusCode, 429)
  assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503)
})

test('a path parameter over its length is a 414 problem; a bad percent-encoding a 400 problem', async (t) => {
  const app = await build(t)
  const long = await app.inject({ url: '/v1/jobs/' + 'a'.repeat(5000), headers: auth })
  assert.match(problemOf(long, 414).detail, /^a path segment of \/v1\/jobs\/a{191}… is longer than 128 characters$/)
  assert.equal(long.json().title, 'URI Too Long')
  const bad = await app.inject({ url: '/v1/jobs/%E0%A4%A', headers: auth })
  assert.equal(problemOf(bad, 400).detail, 'the URL is not valid (bad percent-encoding)')
})

test('an unsupported content type is a 415 problem titled Unsupported Media Type', async (t) => {
  const app = await build(t)
  const res = await app.inject({ method: 'POST', url: '/v1/sources', headers: { ...auth, 'content-type': 'application/xml' }, payload: '<a/>' })
  const body = problemOf(res, 415)
  assert.equal(body.title, 'Unsupported Media Type')
  assert.equal(body.type, 'urn:t2s:problem:unsupported-media-type')
})

test('a request body still arriving at T2S_REQUEST_TIMEOUT_MS is cut with a 408 problem before it completes', async (t) => {
  const app = await build(t, { requestTimeoutMs: 1000 })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  assert.ok(address && typeof address === 'object')
  const BODY_BYTES = 60
  const socket = connect(address.port, '127.0.0.1')
  let sent = 0
  let answer = ''
  let sentWhenAnswered = -1
  const done = new Promise<void>((resolve) => {
    socket.on('data', (d) => { if (sentWhenAnswered < 0) sentWhenAnswered = sent; answer += d.toString() })
    socket.on('close', () => resolve())
    socket.on('error', () => {})
  })
  socket.write(`POST /v1/sources HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ${BODY_BYTES}\r\n\r\n`)
  // One byte every 250 ms: the whole body would take 15 s.
  const timer = setInterval(() => {
    if (sent >= BODY_BYTES || socket.destroyed) return clearInterval(timer)
    socket.write(' ')
    sent++
  }, 250)
  await done
  clearInterval(timer)
  assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/)
  assert.match(answer, /content-type: application\/problem\+json/i)
  const json = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))
  assert.deepEqual(json, { type: 'urn:t2s:problem:request-timeout', title: 'Request Timeout', status: 408, detail: 'the request was not received in time (T2S_REQUEST_TIMEOUT_MS)' })
  assert.ok(sentWhenAnswered >= 0 && sentWhenAnswered < BODY_BYTES, `answered after ${sentWhenAnswered} of ${BODY_BYTES} body bytes`)
})
