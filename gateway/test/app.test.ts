import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { renderOpenApi } from '../scripts/export-openapi.js'
import { auth, build, KEY, problemOf } from './helper.js'

test('every /v1 route refuses a missing, wrong, empty or non-bearer key with 401 problem+json', async (t) => {
  // Some hundred failures from one address: above the failed-authentication limit, tested on its own below.
  const app = await build(t, { authFailuresMax: 100_000 })
  const routes = app.swagger().paths as Record<string, Record<string, unknown>>
  for (const [path, methods] of Object.entries(routes)) {
    if (!path.startsWith('/v1')) continue
    for (const method of Object.keys(methods)) {
      for (const authorization of [undefined, 'Bearer nope', 'Bearer ', `Basic ${KEY}`, KEY]) {
        const res = await app.inject({ method: method.toUpperCase() as 'GET', url: path.replaceAll('{id}', 'x'), headers: authorization === undefined ? {} : { authorization }, payload: method === 'post' ? {} : undefined })
        assert.equal(res.statusCode, 401, `${method} ${path} with ${authorization}`)
        problemOf(res, 401)
        assert.equal(res.headers['www-authenticate'], 'Bearer')
      }
    }
  }
})

test('health and docs need no key', async (t) => {
  const app = await build(t)
  assert.equal((await app.inject('/healthz')).statusCode, 200)
  const docs = await app.inject('/docs/json')
  assert.equal(docs.statusCode, 200)
  assert.equal(docs.json().openapi, '3.1.0')
  const ui = await app.inject('/docs/')
  assert.equal(ui.statusCode, 200)
  assert.match(ui.body, /swagger-ui/)
  assert.match(String(ui.headers['content-security-policy']), /style-src 'self' 'unsafe-inline'/)
})

test('readiness is 503 without NATS', async (t) => {
  const app = await build(t, { services: ['dataset'] })
  const res = await app.inject('/readyz')
  assert.equal(res.statusCode, 503)
  assert.deepEqual(res.json(), { status: 'not ready', nats: false, services: { dataset: false }, reasons: ['NATS does not answer'] })
})

test('an unknown route is a 404 problem, with or without a key', async (t) => {
  const app = await build(t)
  for (const headers of [{}, auth]) {
    const res = await app.inject({ url: '/v1/nope', headers })
    problemOf(res, 404)
  }
})

test('a 3 MiB JSON body is refused with 413', async (t) => {
  const app = await build(t)
  const big = JSON.stringify({ name: 'x', questions: 'a'.repeat(3 * 1024 * 1024), databases: 'b' })
  const res = await app.inject({ method: 'POST', url: '/v1/sources', headers: { ...auth, 'content-type': 'application/json' }, payload: big })
  assert.equal(res.statusCode, 413)
  problemOf(res, 413)
})

test('schema violations are 400 problems naming the field; unknown fields are refused', async (t) => {
  const app = await build(t)
  let res = await app.inject({ method: 'POST', url: '/v1/sources', headers: auth, payload: { name: 'ok', questions: 'q.json' } })
  assert.match(problemOf(res, 400).detail, /databases/)
  res = await app.inject({ method: 'POST', url: '/v1/sources', headers: auth, payload: { name: '../x', questions: 'q.json', databases: 'd' } })
  assert.match(problemOf(res, 400).detail, /body\.name/)
  res = await app.inject({ method: 'POST', url: '/v1/sources', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"name": ' })
  problemOf(res, 400)
  res = await app.inject({ method: 'POST', url: '/v1/sources', headers: auth, payload: { name: 'ok', questions: 'q.json', databases: 'd', databses: 'typo' } })
  assert.equal(problemOf(res, 400).detail, "body must not have property 'databses'")
  res = await app.inject({ method: 'POST', url: '/v1/datasets', headers: auth, payload: { source: 's', kind: 'sft', test_sise: 0.2 } })
  assert.equal(problemOf(res, 400).detail, "body must not have property 'test_sise'")
  res = await app.inject({ method: 'POST', url: '/v1/datasets', headers: auth, payload: { source: 's', kind: 'sft', test_size: 1 } })
  assert.match(problemOf(res, 400).detail, /^body\.test_size must be < 1/)
})

test('without the message bus, routes answer 503 problems that leak nothing', async (t) => {
  const app = await build(t)
  const res = await app.inject({ url: '/v1/sources', headers: auth })
  const body = problemOf(res, 503)
  assert.doesNotMatch(JSON.stringify(body), /at |\/work|node_modules|stack/)
})

test('the rate limit answers 429 with retry-after, per key', async (t) => {
  const app = await build(t, { rateLimitMax: 5, apiKeys: [KEY, 'second-key-abcdef'] })
  let last
  for (let i = 0; i < 7; i++) last = await app.inject({ url: '/v1/jobs/x', headers: auth })
  assert.equal(last!.statusCode, 429)
  assert.ok(last!.headers['retry-after'])
  const other = await app.inject({ url: '/v1/jobs/x', headers: { authorization: 'Bearer second-key-abcdef' } })
  assert.notEqual(other.statusCode, 429)
})

test('openapi/openapi.json is what the gateway serves (run npm run openapi:export after API changes)', async () => {
  const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')
  assert.equal(committed, await renderOpenApi(), 'openapi/openapi.json is stale: run npm run openapi:export')
})
