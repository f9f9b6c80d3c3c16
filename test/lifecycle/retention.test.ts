// Job retention against a real nats-server: ended jobs past the retention go with their
// events; running ones, other services' and those that hold a resource's status stay.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetstreamManager } from '@nats-io/jetstream'
import { EVENTS_STREAM, eventSubject } from '@t2s/core/contracts'
import { ensureJetStream, JobStore } from '@t2s/core/jobs'
import { removeExpiredJobs, retentionMs } from '@t2s/core/lifecycle'
import { createLogger } from '@t2s/core'
import { connectNats } from '@t2s/core/nats'
import { startNatsServer, type TestNatsServer } from '../helpers/nats-server.js'

const DAY = 24 * 3600_000

describe('job retention', { timeout: 60_000 }, () => {
  let nats: TestNatsServer
  let nc: NatsConnection
  let jobs: JobStore
  before(async () => {
    nats = await startNatsServer()
    nc = await connectNats(nats.url, 'test', createLogger('test', 'silent'))
    jobs = new JobStore(nc, (await ensureJetStream(nc)).kv)
  })
  after(async () => {
    await nc?.close()
    await nats?.stop()
  })

  const job = async (id: string, service: string, resource: { type: string, id: string } | null, status: 'succeeded' | 'running') => {
    await jobs.submit({ id, kind: 'k', service, params: {}, resource, unit: 'items' })
    await jobs.transition(id, 'running')
    if (status === 'succeeded') await jobs.transition(id, 'succeeded')
  }
  const events = async (id: string) => (await (await jetstreamManager(nc)).streams.info(EVENTS_STREAM, { subjects_filter: eventSubject(id) })).state.subjects?.[eventSubject(id)] ?? 0

  test('T2S_JOB_RETENTION_DAYS: 30 days by default, 0 keeps forever, a bad value falls back to the default', () => {
    assert.equal(retentionMs({}), 30 * DAY)
    assert.equal(retentionMs({ T2S_JOB_RETENTION_DAYS: '7' }), 7 * DAY)
    assert.equal(retentionMs({ T2S_JOB_RETENTION_DAYS: '0' }), null)
    assert.equal(retentionMs({ T2S_JOB_RETENTION_DAYS: 'soon' }), 30 * DAY)
  })

  test('only this service\'s ended jobs past the retention go, with their events', async () => {
    await job('job_old', 'dataset', { type: 'source', id: 'downloaded' }, 'succeeded')
    await job('job_plain', 'dataset', null, 'succeeded')
    await job('job_running', 'dataset', null, 'running')
    await job('job_dataset', 'dataset', { type: 'dataset', id: 'ds_x' }, 'succeeded')
    await job('job_other', 'evaluator', null, 'succeeded')
    assert.equal(await events('job_old'), 3)
    // Nothing has finished more than a day ago yet.
    assert.deepEqual(await removeExpiredJobs(jobs, 'dataset', DAY), [])
    const later = Date.now() + 2 * DAY
    const removed = await removeExpiredJobs(jobs, 'dataset', DAY, later)
    assert.deepEqual(removed.sort(), ['job_old', 'job_plain'])
    assert.equal(await jobs.get('job_old'), null)
    assert.equal(await events('job_old'), 0)
    for (const kept of ['job_running', 'job_dataset', 'job_other']) assert.notEqual(await jobs.get(kept), null, kept)
  })
})
