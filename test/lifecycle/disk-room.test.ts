// T2S_MIN_FREE_MB: below it readiness warns (still ready) and a new job fails at once, naming the
// figures, instead of starting to write. The threshold is set above any real disk's free space.
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import Database from 'better-sqlite3'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const HUGE_MB = String(1024 * 1024 * 1024) // a petabyte

describe('a disk below T2S_MIN_FREE_MB', { timeout: 120_000 }, () => {
  let stack: Stack
  before(async () => {
    // Read by the in-process gateway at start-up; the services get it in their environment.
    process.env.T2S_MIN_FREE_MB = HUGE_MB
    stack = await startStack(['dataset'], { T2S_MIN_FREE_MB: HUGE_MB })
    const dir = join(stack.dataDir, 'pets')
    mkdirSync(join(dir, 'db', 'pets'), { recursive: true })
    const db = new Database(join(dir, 'db', 'pets', 'pets.sqlite'))
    db.exec('CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT)')
    db.close()
    writeFileSync(join(dir, 'questions.json'), JSON.stringify([{ question_id: 0, db_id: 'pets', question: 'how many pets?', evidence: '', SQL: 'SELECT count(*) FROM pet', difficulty: 'simple' }]))
    await stack.registerSource('pets', 'pets/questions.json', 'pets/db')
  })
  after(async () => {
    delete process.env.T2S_MIN_FREE_MB
    await stack?.stop()
  })

  test('readiness stays ready and warns with the figures', async () => {
    const res = await stack.gateway.inject({ url: '/readyz' })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.status, 'ready')
    assert.equal(body.warnings.length, 1)
    assert.match(body.warnings[0], /^DATA_DIR's disk has \d+ MB free, below T2S_MIN_FREE_MB \(1073741824\): GET \/v1\/usage shows what to delete$/)
  })

  test('a job fails at once instead of starting, and nothing is written', async () => {
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload: { source: 'pets', kind: 'sft' } })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json()
    const job = await stack.waitJob(jobId)
    assert.equal(job.status, 'failed')
    assert.equal(job.attempts, 0, 'it never started')
    assert.match(job.error, /^not started: DATA_DIR has \d+ MB free, below T2S_MIN_FREE_MB \(1073741824\); GET \/v1\/usage shows what takes the disk/)
    const usage = (await stack.gateway.inject({ url: '/v1/usage', headers: AUTH })).json()
    assert.equal(usage.data_dir.low, true)
    assert.equal(usage.kinds.find((k: { kind: string }) => k.kind === 'datasets').items.some((i: { id: string }) => i.id === id), false)
  })
})
