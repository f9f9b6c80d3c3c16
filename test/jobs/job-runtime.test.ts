import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import type { NatsConnection } from '@nats-io/transport-node'
import { connectNats } from '@t2s/core/nats'
import { createLogger } from '@t2s/core'
import { ensureJetStream, JobStore, newId } from '@t2s/core/jobs'
import type { JobRecord } from '@t2s/core/contracts'
import { waitJobDone } from '../helpers/jobs.js'
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js'
import { startTs, waitFor, type Proc } from '../helpers/processes.js'

const WORKER = new URL('../fixtures/job-worker.ts', import.meta.url).pathname
const sumOfSquares = (n: number) => (n - 1) * n * (2 * n - 1) / 6

describe('job runtime with a real nats-server', { timeout: 180_000 }, () => {
  let nats: TestNatsServer
  let nc: NatsConnection
  let store: JobStore
  let dir: string
  const procs: Proc[] = []

  const startWorker = async (extra: Record<string, string> = {}) => {
    const p = await startTs(WORKER, { NATS_URL: nats.url, DB_PATH: join(dir, 'state.db'), EXEC_LOG: join(dir, 'exec.log'), ...extra }, /ready/)
    procs.push(p)
    return p
  }
  const committed = (jobId: string) => {
    const db = new Database(join(dir, 'state.db'), { readonly: true })
    try {
      return db.prepare('SELECT key FROM results WHERE job_id = ?').pluck().all(jobId) as string[]
    } finally { db.close() }
  }
  const waitDone = async (id: string, timeoutMs = 60_000) => await waitJobDone(store, id, timeoutMs)
  const submit = async (kind: string, params: Record<string, unknown>, id?: string): Promise<JobRecord> =>
    await store.submit({ id, kind, service: 'testsvc', params, resource: null, unit: 'items' })

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 't2s-jobs-'))
    nats = await startNatsServer()
    nc = await connectNats(nats.url, 'test', createLogger('test', 'silent'))
    const { kv } = await ensureJetStream(nc)
    store = new JobStore(nc, kv)
  })
  after(async () => {
    for (const p of procs) await p.kill('SIGKILL')
    await nc?.close()
    await nats?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('a 200-item job completes with every item exactly once across a SIGKILL of its worker', async () => {
    const w1 = await startWorker({ ITEM_MS: '25' })
    const job = await submit('test.fanout', { n: 200 })
    await waitFor(async () => committed(job.id).length >= 60)
    await w1.kill('SIGKILL')
    const before = committed(job.id).length
    assert.ok(before < 200, 'killed before the end')
    await startWorker({ ITEM_MS: '25' })
    const done = await waitDone(job.id)
    assert.equal(done.status, 'succeeded')
    const keys = committed(job.id)
    assert.equal(keys.length, 200)
    assert.equal(new Set(keys).size, 200)
    assert.deepEqual(done.result, { items: 200, rows: 200, sum: sumOfSquares(200) })
    assert.deepEqual(done.progress, { done: 200, total: 200, unit: 'items' })
  })

  test('killing nats-server mid-run loses no item and no job', async () => {
    const job = await submit('test.fanout', { n: 200 })
    await waitFor(async () => committed(job.id).length >= 40)
    await nats.kill()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await nats.restart()
    const done = await waitDone(job.id, 90_000)
    assert.equal(done.status, 'succeeded')
    assert.equal(new Set(committed(job.id)).size, 200)
    assert.deepEqual(done.result, { items: 200, rows: 200, sum: sumOfSquares(200) })
  })

  test('submitting the same job id twice creates one job', async () => {
    const id = newId('job')
    const a = await submit('test.single', { steps: 3 }, id)
    const b = await submit('test.single', { steps: 3 }, id)
    assert.equal(a.id, b.id)
    const done = await waitDone(id)
    assert.equal(done.status, 'succeeded')
    assert.equal(done.attempts, 1)
    const all = await store.list({ kind: 'test.single' })
    assert.equal(all.filter((j) => j.id === id).length, 1)
  })

  test('cancelling stops a running job', async () => {
    const job = await submit('test.fanout', { n: 400 })
    await waitFor(async () => committed(job.id).length >= 10)
    await store.cancel(job.id)
    const at = committed(job.id).length
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const done = await store.get(job.id)
    assert.equal(done?.status, 'cancelled')
    assert.ok(committed(job.id).length <= at + 16, 'no new work after the cancel beyond items in flight')
  })

  test('unknown job kinds fail with a message instead of hanging', async () => {
    const job = await submit('test.nope', {})
    const done = await waitDone(job.id)
    assert.equal(done.status, 'failed')
    assert.match(done.error ?? '', /test\.nope/)
  })

  // A job's params are checked against its kind's schema once, before the kind runs: a record
  // written straight onto the bus (no service in between) with params the kind cannot read
  // fails at once, naming the field, and nothing of it runs.
  test('a job crafted on the bus with bad params fails at once naming the field, and never runs', async () => {
    // JobStore.submit only writes the record and its start message: nothing checks params on the way.
    const { id } = await submit('test.fanout', { n: 'many' })
    const done = await waitDone(id)
    assert.equal(done.status, 'failed')
    assert.equal(done.error, `job ${id} (test.fanout) has params its kind cannot run: params.n must be integer`)
    assert.equal(done.attempts, 0)
    assert.equal(done.started_at, null)
    assert.deepEqual(committed(id), [])
    assert.deepEqual(done.progress, { done: 0, total: null, unit: 'items' })

    const extra = await waitDone((await submit('test.fail', { mode: 'unread', mood: 'x' })).id)
    assert.equal(extra.error, `job ${extra.id} (test.fail) has params its kind cannot run: params must not have property 'mood'`)
    const missing = await waitDone((await submit('test.single', {})).id)
    assert.equal(missing.error, `job ${missing.id} (test.single) has params its kind cannot run: params must have required property 'steps'`)
    assert.equal(readFileSync(join(dir, 'exec.log'), 'utf8').split('\n').filter((l) => l === 'fail:unread').length, 0)
  })

  // Issue 12 finding 6: work bound to fail again was retried 5 times, then reported only as
  // "failed on every attempt; see the service log".
  for (const [mode, reason] of [
    ['notadb', /cannot be read as SQLite \(SQLITE_NOTADB: file is not a database\)/],
    ['deep', /stack overflow/],
    ['full', /^the disk is full/]
  ] as const) {
    test(`a job bound to fail again (${mode}) fails on its first attempt with the reason`, async () => {
      const job = await submit('test.fail', { mode })
      const done = await waitDone(job.id)
      assert.equal(done.status, 'failed')
      assert.match(done.error ?? '', reason)
      assert.equal(done.attempts, 1)
      assert.equal(readFileSync(join(dir, 'exec.log'), 'utf8').split('\n').filter((l) => l === `fail:${mode}`).length, 1)
    })
  }

  test('a transient failure is retried, and the final error names the last reason', { timeout: 120_000 }, async () => {
    const job = await submit('test.fail', { mode: 'flaky' })
    const done = await waitDone(job.id, 100_000)
    assert.equal(done.status, 'failed')
    assert.equal(done.error, 'failed on all 5 attempts; the last: transient trouble in flaky')
    assert.equal(readFileSync(join(dir, 'exec.log'), 'utf8').split('\n').filter((l) => l === 'fail:flaky').length, 5)
  })

  // nats.js gives up after 10 reconnect attempts by default (about 20 s); connectNats must keep trying.
  test('a NATS outage past the default reconnect budget is survived without restarting the worker', { timeout: 120_000 }, async () => {
    const worker = procs.at(-1)!
    const attempts = () => worker.output().split('\n').filter((l) => l === 'nats reconnecting').length
    const job = await submit('test.fanout', { n: 60 })
    const before = attempts()
    await nats.kill()
    await waitFor(async () => attempts() - before > 10, 60_000, 200)
    await nats.restart()
    const done = await waitDone(job.id, 60_000)
    assert.equal(done.status, 'succeeded')
    assert.equal(worker.child.exitCode, null, 'the same worker process finished it')
    assert.deepEqual(committed(job.id).map(Number).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i))
    assert.deepEqual(done.result, { items: 60, rows: 60, sum: sumOfSquares(60) })
    // and it still takes new work after the outage
    const after = await waitDone((await submit('test.fanout', { n: 20 })).id, 60_000)
    assert.deepEqual(after.result, { items: 20, rows: 20, sum: sumOfSquares(20) })
  })
})
