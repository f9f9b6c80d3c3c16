// POST /v1/sql/execute over a real socket: a client that disconnects calls its query off.
// Queued, it leaves the sandbox queue without running; running, its process is killed and
// replaced; either way the next interactive query takes the freed place.
import assert from 'node:assert/strict'
import { request, type ClientRequest } from 'node:http'
import { after, before, describe, test } from 'node:test'
import { SQL_VERBS } from '@t2s/core/contracts'
import { callService } from '@t2s/core/nats'
import type { SandboxStats } from '@t2s/core/sql'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/processes.js'

const data = sharedData()
const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'

interface Pending { req: ClientRequest, answer: Promise<{ status: number, body: string }>, settled: () => boolean }

describe('POST /v1/sql/execute: a disconnected client', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  let port: number
  const stats = async () => await callService<SandboxStats>(stack.nc, 'dataset', SQL_VERBS.stats, {})

  /** Sends the query over its own connection and returns at once. */
  const post = (sql: string, timeoutMs = 10_000): Pending => {
    let done = false
    const payload = JSON.stringify({ source: 'dev', db_id: 'world_1', sql, timeout_ms: timeoutMs })
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/sql/execute', agent: false, headers: { ...AUTH, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } })
    const answer = new Promise<{ status: number, body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d: string) => { body += d })
        res.on('end', () => { done = true; resolve({ status: res.statusCode!, body }) })
      })
      req.on('error', (err) => { done = true; reject(err) })
    })
    answer.catch(() => {})
    req.end(payload)
    return { req, answer, settled: () => done }
  }

  before(async () => {
    // One batch process and one kept for interactive callers: two places for interactive queries.
    stack = await startStack(['dataset'], { T2S_SOURCE_ROOTS: data!, T2S_SANDBOX_SIZE: '1', T2S_SANDBOX_INTERACTIVE_RESERVE: '1' })
    await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
    await stack.gateway.listen({ host: '127.0.0.1', port: 0 })
    port = (stack.gateway.server.address() as { port: number }).port
  })
  after(async () => { await stack?.stop() })

  test('a queued query whose client closes its socket never runs; the next one is served in its place', async () => {
    const a = post(RUNAWAY)
    const b = post(RUNAWAY)
    await waitFor(async () => (await stats()).busy === 2, 60_000)
    const s0 = await stats()
    const x = post('SELECT count(*) FROM city')
    await waitFor(async () => (await stats()).queued === 1, 30_000)
    x.req.destroy()
    // Dropped by state: the queue empties, the drop is counted, and nothing started.
    const s1 = await waitFor(async () => { const s = await stats(); return s.queued === 0 && s.cancelled === s0.cancelled + 1 ? s : false }, 30_000)
    assert.equal(s1.started, s0.started, 'the dropped query started after all')
    assert.equal(s1.busy, 2)
    await assert.rejects(x.answer)

    // The next query waits for a place; closing a runaway's client kills it, and the query runs in the replacement.
    const y = post('SELECT count(*) FROM city')
    await waitFor(async () => (await stats()).queued === 1, 30_000)
    a.req.destroy()
    const answered = await y.answer
    assert.equal(answered.status, 200, answered.body)
    assert.deepEqual(JSON.parse(answered.body).rows, [[4079]])
    assert.equal(b.settled(), false, 'y was served in the place of the killed runaway, not after the other one ended')
    const s2 = await stats()
    assert.equal(s2.started, s0.started + 1, 'only y started since the runaways')
    assert.equal(s2.cancelled, s0.cancelled + 2)
    assert.ok(s2.restarts >= s0.restarts + 1, 'the killed runaway\'s process was replaced')

    b.req.destroy()
    await waitFor(async () => { const s = await stats(); return s.busy === 0 && s.cancelled === s0.cancelled + 3 }, 30_000)
    // The pool is whole again: an inject-path query still answers.
    const again = await stack.gateway.inject({ method: 'POST', url: '/v1/sql/execute', headers: AUTH, payload: { source: 'dev', db_id: 'world_1', sql: 'SELECT 1' } })
    assert.deepEqual(again.json().rows, [[1]])
  })
})
