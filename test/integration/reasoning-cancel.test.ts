// Cancel of a CoT dataset job against the fake teacher: requests in flight are abandoned,
// no teacher request and no item commit happens after the cancel.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { sha256 } from '../../services/core/test/sql/helpers.js'
import { addOneDbSource } from '../helpers/sources.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/processes.js'

const GOLD = 'SELECT count(*) FROM singer'

describe('CoT dataset: cancel stops the teacher requests and the commits', { timeout: 240_000 }, () => {
  let stack: Stack
  let fake: FakeOpenAI
  let dbPath: string
  let dbSha: string
  const committed = (jobId: string): number => {
    const db = new Database(join(stack.dataDir, 'reasoning', 'state.db'), { readonly: true, fileMustExist: true })
    try {
      return db.prepare('SELECT count(*) FROM job_items WHERE job_id = ?').pluck().get(jobId) as number
    } finally {
      db.close()
    }
  }

  before(async () => {
    fake = await startFakeOpenAI({ models: ['teacher'], latencyMs: 400, answer: () => `Step by step.\n\`\`\`sql\n${GOLD}\n\`\`\`` })
    stack = await startStack(['dataset', 'reasoning'], { TEACHER_BASE_URL: fake.url, TEACHER_MODEL: 'teacher' })
    const questions = Array.from({ length: 200 }, (_v, i) => ({ question_id: i, db_id: 'c', question: `how many singers (${i})?`, evidence: '', SQL: GOLD }))
    ;({ dbPath, sha256: dbSha } = await addOneDbSource(stack, 'cot', 'c', (db) => db.exec("CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO singer (name) VALUES ('Joe'), ('Ann')"), questions))
  })
  after(async () => {
    if (stack !== undefined) assert.equal(sha256(dbPath), dbSha, 'the database file changed')
    await stack?.stop()
    await fake?.close()
  })

  test('after the cancel: no new teacher request, the ones in flight abandoned, no more items committed', async () => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload: { source: 'cot', kind: 'cot', concurrency: 4 } })
    assert.equal(res.statusCode, 202, res.body)
    const jobId = res.json().job_id as string
    await waitFor(async () => committed(jobId) >= 8, 120_000)
    const cancel = await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${jobId}/cancel`, headers: AUTH })
    assert.equal(cancel.json().status, 'cancelled')
    // The job's in-flight requests end (the client hangs up): from then on nothing new may start.
    await waitFor(async () => fake.stats().inFlight === 0, 30_000)
    const calls = fake.calls.length
    const items = committed(jobId)
    await new Promise((resolve) => setTimeout(resolve, 2000))
    assert.equal(fake.calls.length, calls, 'a teacher request started after the cancel')
    assert.equal(committed(jobId), items, 'an item was committed after the cancel')
    assert.ok(items < 200)
    const job = await stack.waitJob(jobId)
    assert.equal(job.status, 'cancelled')
  })
})
