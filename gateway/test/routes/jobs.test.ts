import assert from 'node:assert/strict'
import { test } from 'node:test'
import { conflict, notFound } from '@t2s/core'
import type { JobEvent } from '@t2s/core/jobs'
import examples from '../../src/examples.json' with { type: 'json' }
import { assertNeedsKey, buildOnFakeBus, send } from '../fake-bus.js'
import { problemOf } from '../helper.js'

const job = examples.job
const event = (seq: number, type: JobEvent['type'], status: JobEvent['status']): { seq: number, event: JobEvent } =>
  ({ seq, event: { type, job_id: job.id, status, progress: { done: seq, total: 3, unit: 'questions' }, time: '2026-12-06T07:56:40.083Z' } })

test('GET /v1/jobs lists with the filter and its default limit; a bad status names the allowed ones', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('jobs.list', examples.jobList.items)
  assert.deepEqual((await send(app, 'GET', '/v1/jobs?status=succeeded&kind=training.sft')).json(), examples.jobList)
  assert.deepEqual(bus.sent('jobs.list'), [{ status: 'succeeded', kind: 'training.sft', limit: 100 }])
  assert.equal(problemOf(await send(app, 'GET', '/v1/jobs?limit=501'), 400).detail, 'querystring.limit must be <= 500')
})

test('GET /v1/jobs/{id} and POST /v1/jobs/{id}/cancel answer the record; an unknown job is a 404', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('jobs.require', job, notFound('job job_x not found'))
  bus.answer('jobs.cancel', examples.cancelledJob)
  assert.deepEqual((await send(app, 'GET', `/v1/jobs/${job.id}`)).json(), job)
  assert.equal(problemOf(await send(app, 'GET', '/v1/jobs/job_x'), 404).detail, 'job job_x not found')
  const cancelled = await send(app, 'POST', `/v1/jobs/${examples.cancelledJob.id}/cancel`)
  assert.deepEqual(cancelled.json(), examples.cancelledJob)
  assert.deepEqual(bus.sent('jobs.cancel'), [examples.cancelledJob.id])
})

test('cancel accepts the README header array: content-type JSON with no body; elsewhere an empty JSON body is still a 400', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('jobs.cancel', examples.cancelledJob)
  const res = await send(app, 'POST', `/v1/jobs/${examples.cancelledJob.id}/cancel`, undefined, { 'content-type': 'application/json' })
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(res.json().status, 'cancelled')
  const empty = problemOf(await send(app, 'POST', '/v1/sources', undefined, { 'content-type': 'application/json' }), 400)
  assert.equal(empty.detail, "Body cannot be empty when content-type is set to 'application/json'")
})

test('DELETE /v1/jobs/{id} is a 204 with no body; a job still running is a 409 naming why', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('jobs.remove', undefined, conflict('job job_r has not ended (running): cancel it first'))
  const gone = await send(app, 'DELETE', '/v1/jobs/job_1')
  assert.equal(gone.statusCode, 204)
  assert.equal(gone.body, '')
  assert.equal(problemOf(await send(app, 'DELETE', '/v1/jobs/job_r'), 409).detail, 'job job_r has not ended (running): cancel it first')
  assert.deepEqual(bus.sent('jobs.remove'), ['job_1', 'job_r'])
})

test('GET /v1/jobs/{id}/events streams the events as SSE, each id its sequence, and ends after the final status', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('jobs.require', job)
  bus.answer('jobs.events', [event(1, 'status', 'running'), event(2, 'progress', 'running'), event(3, 'status', 'succeeded'), event(4, 'log', 'succeeded')])
  const res = await send(app, 'GET', `/v1/jobs/${job.id}/events`)
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8')
  assert.equal(res.headers['cache-control'], 'no-cache')
  const blocks = res.body.split('\n\n').filter(Boolean)
  assert.equal(blocks[0], `: events of job ${job.id}`)
  assert.deepEqual(blocks.slice(1).map((b) => b.split('\n').slice(0, 2).join(' ')), ['id: 1 event: status', 'id: 2 event: progress', 'id: 3 event: status'])
  assert.deepEqual(JSON.parse(blocks[3].split('\n')[2].slice('data: '.length)), event(3, 'status', 'succeeded').event)
  assert.deepEqual(bus.sent('jobs.events'), [{ job_id: job.id, after: 0 }])
})

test('GET /v1/jobs/{id}/events resumes after Last-Event-ID; a bad one is a 400, an unknown job a 404, both before any stream', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  bus.answer('jobs.require', job, notFound('job job_x not found'))
  bus.answer('jobs.events', [event(8, 'status', 'failed')])
  const res = await send(app, 'GET', `/v1/jobs/${job.id}/events`, undefined, { 'last-event-id': '7' })
  assert.match(res.body, /^id: 8\nevent: status\n/m)
  assert.deepEqual(bus.sent('jobs.events'), [{ job_id: job.id, after: 7 }])
  assert.equal(problemOf(await send(app, 'GET', `/v1/jobs/${job.id}/events`, undefined, { 'last-event-id': 'x1' }), 400).detail, 'headers.last-event-id must match pattern "^[0-9]+$"')
  assert.equal(problemOf(await send(app, 'GET', '/v1/jobs/job_x/events'), 404).detail, 'job job_x not found')
  assert.equal(bus.sent('jobs.events').length, 1)
})

test('the job routes need a key', async (t) => {
  const { app, bus } = await buildOnFakeBus(t)
  await assertNeedsKey(app, bus, 'GET', '/v1/jobs')
  await assertNeedsKey(app, bus, 'POST', `/v1/jobs/${job.id}/cancel`)
  await assertNeedsKey(app, bus, 'GET', `/v1/jobs/${job.id}/events`)
})
