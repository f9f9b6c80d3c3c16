/**
 * SIGTERM of a gateway with 50 requests in flight and an open event stream: each request is
 * answered in full (none lost, none left hanging), the stream ends with a reconnect hint,
 * and the process closes by itself with exit code 0. Exit code 1 is its force timer at the
 * drain limit: what it did before plugins/app/drain.ts, when kept-alive sockets held the
 * close open.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { NatsConnection } from '@nats-io/transport-node'
import { ensureJetStream, JobStore } from '@t2s/core/jobs'
import { createLogger } from '@t2s/core'
import { connectNats } from '@t2s/core/nats'
import { freePort } from '@t2s/core/util'
import { buildDemo } from '../../scripts/build-demo.js'
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js'
import { startTs, type Proc } from '../helpers/processes.js'

const ROOT = new URL('../../', import.meta.url).pathname
const KEY = 'sigterm-test-key-0123456789'
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
// ~0.1-0.3 s in the sandbox: 50 of them keep a two-process pool busy for seconds.
const SLOW = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c'

describe('SIGTERM of a gateway with 50 requests in flight', { timeout: 240_000 }, () => {
  let nats: TestNatsServer
  let dataDir: string
  const procs: Proc[] = []
  let base = ''
  let gateway: Proc
  let nc: NatsConnection
  let jobId = ''

  before(async () => {
    nats = await startNatsServer()
    nc = await connectNats(nats.url, 'sigterm-test', createLogger('test', 'silent'))
    // A job no running service takes: it stays queued, so its event stream stays open.
    const { kv } = await ensureJetStream(nc)
    jobId = (await new JobStore(nc, kv).submit({ kind: 'train', service: 'trainer', params: {}, resource: null, unit: 'steps' })).id
    dataDir = mkdtempSync(join(tmpdir(), 't2s-sigterm-'))
    buildDemo(join(dataDir, 'demo'))
    const env = { NATS_URL: nats.url, DATA_DIR: dataDir, LOG_LEVEL: 'info' }
    procs.push(await startTs(join(ROOT, 'services/dataset/src/main.ts'), env, /"msg":"ready"/, 180_000))
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    gateway = await startTs(join(ROOT, 'gateway/src/server.ts'), { ...env, PORT: String(port), T2S_API_KEYS: KEY, T2S_SERVICES: 'dataset' }, /gateway listening/, 180_000)
    procs.push(gateway)
    const res = await fetch(`${base}/v1/sources`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ name: 'demo', questions: 'demo/dev.json', databases: 'demo/dev_databases' }) })
    assert.equal(res.status, 201, await res.text())
  })
  after(async () => {
    for (const p of procs) await p.kill('SIGKILL')
    await nc?.close()
    await nats?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test('every request gets its full answer, the event stream ends, the gateway exits 0', async () => {
    const stream = await fetch(`${base}/v1/jobs/${jobId}/events`, { headers: HEADERS, signal: AbortSignal.timeout(60_000) })
    assert.equal(stream.status, 200)
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader()
    let events = ''
    while (!events.includes('event: status')) {
      const { value, done } = await reader.read()
      assert.ok(!done, `the stream ended before its first event: ${events}`)
      events += value
    }
    const rest = (async () => {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        events += value
      }
    })()
    // In flight by state: each request says `Expect: 100-continue`, and the gateway answers
    // `100 Continue` once it has the request (and before this test sends the body). All 50
    // are in the gateway when the SIGTERM comes, on keep-alive sockets as a browser holds them.
    const agent = new Agent({ keepAlive: true, maxSockets: 50 })
    const received: Array<Promise<void>> = []
    const answers = Array.from({ length: 50 }, async () => await new Promise<{ status: number, body: any }>((resolve, reject) => {
      const body = JSON.stringify({ source: 'demo', db_id: 'library', sql: SLOW })
      const req = request(`${base}/v1/sql/execute`, { method: 'POST', agent, headers: { ...HEADERS, expect: '100-continue', 'content-length': String(Buffer.byteLength(body)) }, timeout: 60_000 }, (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (d) => { text += d }).on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }))
      })
      received.push(new Promise((resolve) => req.once('continue', () => { req.end(body); resolve() })))
      req.on('error', reject).on('timeout', () => req.destroy(new Error('no answer in 60 s')))
    }))
    await Promise.all(received)
    const t = Date.now()
    const exited = new Promise<number | null>((resolve) => gateway.child.once('exit', (code) => resolve(code)))
    gateway.child.kill('SIGTERM')
    const settled = await Promise.allSettled(answers)
    const answeredS = (Date.now() - t) / 1000
    await rest
    const code = await exited
    agent.destroy()
    const statuses = settled.map((s) => s.status === 'fulfilled' ? s.value.status : `rejected: ${String(s.reason)}`)
    assert.deepEqual(statuses, Array(50).fill(200))
    for (const s of settled) assert.deepEqual((s as PromiseFulfilledResult<{ body: any }>).value.body.rows, [[200000]])
    assert.match(events, /: the gateway is shutting down; reconnect with Last-Event-ID\nretry: 1000\n\n$/)
    // 1 would be the force timer at the drain limit (gateway/src/server.ts).
    assert.equal(code, 0, gateway.output().slice(-2000))
    assert.match(gateway.output(), /"msg":"closed"/)
    console.log(`sigterm-figures ${JSON.stringify({ in_flight: 50, answered: 50, lost: 0, event_streams: 1, last_answer_after_s: answeredS, exit_after_s: (Date.now() - t) / 1000, exit_code: code })}`)
  })
})
