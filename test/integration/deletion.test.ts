// Deleting what the suite stores, through the gateway against real services: 409 naming what
// still uses it, records and files gone when the API says so, idempotent repeats, the adapter
// unloaded from the student first, and a dataset service killed mid-delete leaving no half state.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { FAKE_PYTHON, writeFakeScript } from '../fake-trainer/index.js'
import { waitFor } from '../helpers/processes.js'
import { addOneDbSource } from '../helpers/sources.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const N = 20
const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c'

describe('deleting sources, datasets, evaluations, training jobs and jobs', { timeout: 240_000 }, () => {
  let stack: Stack
  let student: FakeOpenAI
  const scriptFile = join(process.env.TMPDIR ?? '/tmp', `fake-trainer-deletion-${process.pid}.json`)
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => await stack.gateway.inject({ method, url, headers: AUTH, payload })
  const accepted = async (url: string, payload: object) => {
    const res = await call('POST', url, payload)
    assert.equal(res.statusCode, 202, res.body)
    return res.json() as { id: string, job_id: string }
  }
  const served = async () => ((await (await fetch(`${student.url}/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)
  const status = async (jobId: string) => (await stack.jobs.get(jobId))?.status
  const sftDataset = async () => {
    const d = await accepted('/v1/datasets', { source: 'pets', kind: 'sft' })
    assert.equal((await stack.waitJob(d.job_id)).status, 'succeeded')
    return d
  }

  before(async () => {
    student = await startFakeOpenAI({ models: ['student'] })
    writeFakeScript(scriptFile, { default: { step_ms: 10, total_steps: 5 }, 'slow-model': { step_ms: 200, total_steps: 600 } })
    stack = await startStack(['dataset', 'evaluator', 'trainer'], {
      STUDENT_BASE_URL: student.url,
      T2S_TRAINER_PYTHON: FAKE_PYTHON,
      T2S_FAKE_TRAINER_SCRIPT: scriptFile,
      T2S_TRAINER_STOP_GRACE_S: '5'
    })
    const questions = Array.from({ length: N }, (_, i) => ({ question_id: i, db_id: 'pets', question: `question ${i}`, evidence: '', SQL: `SELECT name FROM pet WHERE id = ${i + 1}`, difficulty: 'simple' }))
    await addOneDbSource(stack, 'pets', 'pets', (db) => {
      db.exec('CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT)')
      for (let i = 0; i < 40; i++) db.prepare('INSERT INTO pet (name) VALUES (?)').run(`pet${i}`)
    }, questions)
  })
  after(async () => {
    await stack?.stop()
    await student?.close()
    rmSync(scriptFile, { force: true })
  })

  test('an evaluation that runs holds its source and itself (409 naming it); once cancelled both go, and a repeat is still 204', async () => {
    const ev = await accepted('/v1/evaluations', { source: 'pets', predictions: Array.from({ length: N }, (_, i) => ({ question_id: i, sql: RUNAWAY })), timeout_s: 60, concurrency: 1 })
    await waitFor(async () => await status(ev.job_id) === 'running', 30_000)
    const source = await call('DELETE', '/v1/sources/pets')
    assert.equal(source.statusCode, 409, source.body)
    assert.match(source.headers['content-type'] as string, /application\/problem\+json/)
    assert.match(source.json().detail, new RegExp(`source pets is in use by evaluation ${ev.id} \\(job ${ev.job_id}, running\\)`))
    const busy = await call('DELETE', `/v1/evaluations/${ev.id}`)
    assert.equal(busy.statusCode, 409, busy.body)
    assert.equal((await call('DELETE', `/v1/jobs/${ev.job_id}`)).statusCode, 409, 'a running job is not deleted')

    await call('POST', `/v1/jobs/${ev.job_id}/cancel`)
    await stack.waitJob(ev.job_id)
    const endedJob = await call('DELETE', `/v1/jobs/${ev.job_id}`)
    assert.equal(endedJob.statusCode, 409, endedJob.body)
    assert.match(endedJob.json().detail, /delete the evaluation instead/)
    assert.equal((await call('DELETE', `/v1/evaluations/${ev.id}`)).statusCode, 204)
    assert.equal((await call('GET', `/v1/evaluations/${ev.id}`)).statusCode, 404)
    assert.equal((await call('GET', `/v1/evaluations/${ev.id}/items`)).statusCode, 404)
    assert.equal((await call('GET', `/v1/jobs/${ev.job_id}`)).statusCode, 404, 'its job went with it')
    assert.equal((await call('DELETE', `/v1/evaluations/${ev.id}`)).statusCode, 204, 'idempotent')
  })

  test('GET /v1/usage counts each dataset\'s files to the byte, the state DBs and the NATS store; a deleted dataset leaves it', async () => {
    const ds = await sftDataset()
    const dir = join(stack.dataDir, 'artifacts', 'datasets', ds.id)
    const onDisk = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)
    const usage = (await call('GET', '/v1/usage')).json()
    const kind = (name: string) => usage.kinds.find((k: { kind: string }) => k.kind === name)
    assert.deepEqual(kind('datasets').items.find((i: { id: string }) => i.id === ds.id), { id: ds.id, bytes: onDisk })
    assert.deepEqual(kind('state_dbs').items.map((i: { id: string }) => i.id).sort(), ['dataset', 'evaluator', 'trainer'])
    assert.ok(kind('nats_store').items.some((i: { id: string }) => i.id === 'KV_t2s_jobs'), JSON.stringify(kind('nats_store')))
    assert.equal(kind('evaluations').note, 'rows inside the evaluator state DB (counted there too)')
    assert.equal(usage.data_dir.min_free_bytes, 100 * 1024 * 1024)
    assert.equal(typeof usage.data_dir.free_bytes, 'number')
    assert.equal(usage.total_bytes, usage.kinds.filter((k: { kind: string }) => k.kind !== 'evaluations').reduce((s: number, k: { bytes: number }) => s + k.bytes, 0))
    assert.equal((await call('DELETE', `/v1/datasets/${ds.id}`)).statusCode, 204)
    const after = (await call('GET', '/v1/usage')).json()
    assert.equal(after.kinds.find((k: { kind: string }) => k.kind === 'datasets').items.some((i: { id: string }) => i.id === ds.id), false)
  })

  test('a dataset under training is held (409 naming the training job); a finished training job goes with its run folder and its adapter, unloaded first', async () => {
    const ds = await sftDataset()
    const slow = await accepted('/v1/training-jobs', { dataset: ds.id, base_model: 'slow-model', adapter_name: 'slow' })
    await waitFor(async () => await status(slow.job_id) === 'running', 30_000)
    const held = await call('DELETE', `/v1/datasets/${ds.id}`)
    assert.equal(held.statusCode, 409, held.body)
    assert.match(held.json().detail, new RegExp(`dataset ${ds.id} is in use by training_job ${slow.id}`))
    assert.equal((await call('DELETE', `/v1/training-jobs/${slow.id}`)).statusCode, 409)
    await call('POST', `/v1/jobs/${slow.job_id}/cancel`)
    await stack.waitJob(slow.job_id)

    const quick = await accepted('/v1/training-jobs', { dataset: ds.id, adapter_name: 'quick' })
    assert.equal((await stack.waitJob(quick.job_id, 60_000)).status, 'succeeded')
    const trained = (await call('GET', `/v1/training-jobs/${quick.id}`)).json()
    assert.equal(trained.artifacts.loaded?.lora_name, 'quick', JSON.stringify(trained.artifacts))
    const adapterDir = join(stack.dataDir, trained.artifacts.path)
    const runDir = join(stack.dataDir, 'trainer', 'runs', quick.id)
    assert.ok(existsSync(adapterDir) && existsSync(runDir))
    assert.deepEqual(await served(), ['student', 'quick'])

    assert.equal((await call('DELETE', `/v1/training-jobs/${quick.id}`)).statusCode, 204)
    assert.equal(existsSync(adapterDir), false, 'adapter folder removed')
    assert.equal(existsSync(runDir), false, 'run folder removed')
    assert.deepEqual(await served(), ['student'], 'unloaded from the student')
    assert.equal((await call('GET', `/v1/training-jobs/${quick.id}`)).statusCode, 404)
    assert.equal((await call('DELETE', `/v1/training-jobs/${slow.id}`)).statusCode, 204)

    const files = join(stack.dataDir, 'artifacts', 'datasets', ds.id)
    assert.ok(existsSync(join(files, 'train.jsonl')))
    assert.equal((await call('DELETE', `/v1/datasets/${ds.id}`)).statusCode, 204)
    assert.equal(existsSync(files), false, 'dataset files removed')
    assert.equal((await call('GET', `/v1/datasets/${ds.id}`)).statusCode, 404)
    assert.equal((await call('GET', `/v1/jobs/${ds.job_id}`)).statusCode, 404)
    assert.equal((await call('DELETE', `/v1/datasets/${ds.id}`)).statusCode, 204, 'idempotent')
  })

  test('a dataset service killed mid-delete leaves no half state: the record is gone and the next start removes the files', async (t) => {
    const ds = await sftDataset()
    const files = join(stack.dataDir, 'artifacts', 'datasets', ds.id)
    // Enough files that removing them takes a while after the record is gone.
    mkdirSync(join(files, 'bulk'))
    for (let i = 0; i < 20_000; i++) writeFileSync(join(files, 'bulk', `f${i}`), 'x')
    const pending = call('DELETE', `/v1/datasets/${ds.id}`)
    await waitFor(async () => (await call('GET', `/v1/datasets/${ds.id}`)).statusCode === 404, 30_000, 5)
    await stack.procs.get('dataset')!.kill('SIGKILL')
    const answer = await pending
    assert.ok([204, 503, 504].includes(answer.statusCode), `${answer.statusCode} ${answer.body}`)
    const left = existsSync(join(files, 'bulk')) ? readdirSync(join(files, 'bulk')).length : 0
    t.diagnostic(`the kill left ${left} of 20000 files`)
    await stack.startService('dataset')
    assert.equal(existsSync(files), false, `the restarted service removed the folder (${left} files were left by the kill)`)
    assert.equal((await call('GET', `/v1/datasets/${ds.id}`)).statusCode, 404)
    assert.equal((await call('GET', `/v1/jobs/${ds.job_id}`)).statusCode, 404)
  })

  test('an ended job that holds no resource\'s status is deleted with its events; a repeat is still 204', async () => {
    const job = await stack.jobs.submit({ kind: 'test.note', service: 'nobody', params: {}, resource: null, unit: 'items' })
    assert.equal((await call('DELETE', `/v1/jobs/${job.id}`)).statusCode, 409, 'not ended yet')
    await stack.jobs.cancel(job.id)
    assert.equal((await call('GET', `/v1/jobs/${job.id}`)).statusCode, 200)
    assert.equal((await call('DELETE', `/v1/jobs/${job.id}`)).statusCode, 204)
    assert.equal((await call('GET', `/v1/jobs/${job.id}`)).statusCode, 404)
    const events = await call('GET', `/v1/jobs/${job.id}/events`)
    assert.equal(events.statusCode, 404, 'its event stream is gone with it')
    assert.equal((await call('DELETE', `/v1/jobs/${job.id}`)).statusCode, 204, 'idempotent')
  })

  test('a source not used by any running job is forgotten, its files kept', async () => {
    assert.equal((await call('DELETE', '/v1/sources/pets')).statusCode, 204)
    assert.equal((await call('GET', '/v1/sources/pets')).statusCode, 404)
    assert.ok(existsSync(join(stack.dataDir, 'pets', 'questions.json')), 'the files the user pointed at stay')
    assert.equal((await call('DELETE', '/v1/sources/pets')).statusCode, 204, 'idempotent')
  })
})
