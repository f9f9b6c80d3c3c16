import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { buildGateway } from '../src/app.js'
import { KEY } from './helper.js'

/** One HTTP/1.1 request on a new socket; the answer's status, headers and body. */
async function get (port: number, path: string): Promise<{ status: number, headers: Record<string, unknown>, body: string }> {
  return await new Promise((resolve, reject) => {
    request({ port, host: '127.0.0.1', path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d) => { body += d }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    }).on('error', reject).end()
  })
}

test('a request that reaches a closing gateway is answered 503 as a problem, with retry-after and connection: close', async () => {
  const app = await buildGateway({ apiKeys: [KEY] })
  let during: Awaited<ReturnType<typeof get>> | undefined
  // Registered after the drain plugin's, so it runs once the gateway is draining; the
  // server still listens until the preClose hooks are done.
  app.addHook('preClose', async () => { during = await get(port, '/healthz') })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  assert.equal((await get(port, '/healthz')).status, 200)
  assert.equal(app.draining, false)
  await app.close()
  assert.equal(app.draining, true)
  assert.equal(during?.status, 503)
  assert.equal(during.headers['content-type'], 'application/problem+json; charset=utf-8')
  assert.equal(during.headers['retry-after'], '1')
  assert.equal(during.headers.connection, 'close')
  assert.deepEqual(JSON.parse(during.body), { type: 'urn:t2s:problem:unavailable', title: 'Service Unavailable', status: 503, detail: 'the gateway is shutting down; retry the request', instance: '/healthz' })
})
