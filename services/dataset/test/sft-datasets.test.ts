// Creating SFT datasets (the dataset service's create_dataset handler) on a real state
// database, real source files and a real nats-server for the job records: what a request
// records and submits, idempotency, and refusals that leave nothing behind.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { NatsConnection } from '@nats-io/transport-node'
import type { SftDatasetBody } from '@t2s/core/contracts'
import { DatasetRecords } from '@t2s/core/datasets'
import { ServiceError, createLogger, type StateDb } from '@t2s/core'
import { ensureJetStream, JobStore } from '@t2s/core/jobs'
import { connectNats } from '@t2s/core/nats'
import { SftDatasets } from '../src/datasets/service.js'
import { SFT_JOB_KIND } from '../src/datasets/sft-job.js'
import { openDatasetDb } from '../src/db.js'
import { SourceRegistry } from '../src/sources/registry.js'
import { startNatsServer, type TestNatsServer } from '../../../test/helpers/nats-server.js'
import { makeSource, questionsOver, type TinySource } from './helpers.js'

// What the gateway's validation hands on: every field present, defaults applied.
const body = (over: Partial<SftDatasetBody> & { idempotency_key?: string } = {}): SftDatasetBody & { idempotency_key?: string } => ({
  source: 'tiny', kind: 'sft', test_size: 0.3, seed: 42, prompt: { preset: 'cookbook', options: {} }, gold_check: 'drop', ...over
})

describe('SftDatasets.create', { timeout: 120_000 }, () => {
  let nats: TestNatsServer
  let nc: NatsConnection
  let jobs: JobStore
  let db: StateDb
  let stateDir: string
  let src: TinySource
  let datasets: SftDatasets
  let records: DatasetRecords

  const rows = () => db.prepare('SELECT id, job_id, source_id, source_name, params, prompt FROM datasets ORDER BY created_at').all() as Array<Record<string, string>>

  before(async () => {
    nats = await startNatsServer()
    nc = await connectNats(nats.url, 'test', createLogger('test', 'silent'))
    const { kv } = await ensureJetStream(nc)
    jobs = new JobStore(nc, kv)
    stateDir = mkdtempSync(join(tmpdir(), 't2s-dataset-sft-'))
    db = openDatasetDb(join(stateDir, 'state.db'))
    src = makeSource(questionsOver(['a', 'b'], 6))
    const sources = new SourceRegistry(db, [src.root])
    sources.register({ name: 'tiny', questions: src.questions, databases: src.databases })
    records = new DatasetRecords({ db, jobs, dataDir: stateDir, table: 'datasets', kind: 'sft', idPrefix: 'ds', jobKind: SFT_JOB_KIND, service: 'dataset' })
    datasets = new SftDatasets(records, sources)
  })
  after(async () => {
    await nc?.close()
    await nats?.stop()
    db?.close()
    rmSync(stateDir, { recursive: true, force: true })
    rmSync(src.root, { recursive: true, force: true })
  })

  test('records the dataset and submits its build job with the request, the source and the prompt version', async () => {
    const sourceId = (db.prepare("SELECT id FROM sources WHERE name = 'tiny'").get() as { id: string }).id
    const accepted = await datasets.create(body({ seed: 7, limit: 4, prompt: { preset: 'cookbook', options: { sample_rows: 3 } } }))
    assert.match(accepted.id, /^ds_/)
    assert.match(accepted.job_id, /^job_/)
    assert.equal(accepted.status, 'queued')
    const row = rows().find((r) => r.id === accepted.id)!
    assert.equal(row.job_id, accepted.job_id)
    assert.equal(row.source_id, sourceId)
    assert.equal(row.source_name, 'tiny')
    assert.deepEqual(JSON.parse(row.prompt), { preset: 'cookbook', version: 'cookbook-1+rows3', options: { sample_rows: 3 } })
    const job = await jobs.get(accepted.job_id)
    assert.equal(job?.kind, 'dataset.sft')
    assert.equal(job?.service, 'dataset')
    assert.equal(job?.status, 'queued')
    assert.deepEqual(job?.resource, { type: 'dataset', id: accepted.id })
    const request = { source: 'tiny', kind: 'sft', test_size: 0.3, seed: 7, prompt: { preset: 'cookbook', options: { sample_rows: 3 } }, gold_check: 'drop', limit: 4 }
    assert.deepEqual(job?.params, { ...request, dataset_id: accepted.id, source_id: sourceId })
    const dataset = await records.get(accepted.id)
    assert.equal(dataset.status, 'queued')
    assert.deepEqual(dataset.source, { id: sourceId, name: 'tiny' })
  })

  test('the same idempotency key gives the same dataset and job, recorded once', async () => {
    const before = rows().length
    const a = await datasets.create(body({ idempotency_key: 'retry-me' }))
    const b = await datasets.create(body({ idempotency_key: 'retry-me' }))
    assert.deepEqual(b, a)
    assert.equal(rows().length, before + 1)
    assert.equal(rows().filter((r) => r.id === a.id).length, 1)
    const c = await datasets.create(body({ idempotency_key: 'another' }))
    assert.notEqual(c.id, a.id)
    assert.notEqual(c.job_id, a.job_id)
  })

  test('an unknown source is NOT_FOUND and a limit below 2 BAD_REQUEST; neither records nor submits anything', async () => {
    const before = rows().length
    const jobsBefore = (await jobs.list({ kind: SFT_JOB_KIND })).length
    await assert.rejects(datasets.create(body({ source: 'nope' })), (err: unknown) =>
      err instanceof ServiceError && err.codeName === 'NOT_FOUND' && err.message === 'source "nope" not found')
    await assert.rejects(datasets.create(body({ limit: 1 })), (err: unknown) =>
      err instanceof ServiceError && err.codeName === 'BAD_REQUEST' && err.message === 'body.limit must be >= 2: both splits need an example')
    assert.equal(rows().length, before)
    assert.equal((await jobs.list({ kind: SFT_JOB_KIND })).length, jobsBefore)
  })
})
