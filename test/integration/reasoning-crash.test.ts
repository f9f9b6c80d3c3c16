import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/processes.js'
import { scriptedTeacher } from '../../services/reasoning/test/scripted-teacher.js'

const data = sharedData()
const CONCURRENCY = 16

describe('CoT jobs survive SIGKILL and stop on cancel', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  let fake: FakeOpenAI
  const post = async (payload: object) => await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload })
  const get = async (id: string) => (await stack.gateway.inject({ url: `/v1/datasets/${id}`, headers: AUTH })).json()
  const lines = async (id: string, split: string) => (await stack.gateway.inject({ url: `/v1/datasets/${id}/files/${split}`, headers: AUTH })).body.split('\n').filter(Boolean)
  const callsFor = (model: string) => fake.calls.filter((c) => c.model === model)

  before(async () => {
    fake = await startFakeOpenAI({ models: ['teacher', 'teacher-slow'], latencyMs: 100, answer: scriptedTeacher() })
    stack = await startStack(['dataset', 'reasoning'], {
      T2S_SOURCE_ROOTS: data!,
      TEACHER_BASE_URL: fake.url,
      TEACHER_MODEL: 'teacher',
      // Items held by the killed process come back after 5 s instead of 30.
      REASONING_ACK_WAIT_S: '5'
    })
    await stack.registerSource('train', 'bird-sample/train.json', 'bird-sample/train_databases')
  })
  after(async () => {
    await stack?.stop()
    await fake?.close()
  })

  test('SIGKILL at half of 367 questions: after a restart the job completes, nothing twice or missing, calls <= 367 + concurrency', async (t) => {
    const res = await post({ source: 'train', kind: 'cot', concurrency: CONCURRENCY })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json()
    await waitFor(async () => callsFor('teacher').filter((c) => c.status === 200).length >= 184, 120_000, 10)
    await stack.procs.get('reasoning')!.kill('SIGKILL')
    const atKill = callsFor('teacher').length
    const mid = await stack.jobs.get(jobId)
    assert.equal(mid!.status, 'running')
    assert.ok(mid!.progress.done < 367, `killed at ${mid!.progress.done} of 367`)

    await stack.startService('reasoning')
    const job = await stack.waitJob(jobId, 180_000)
    assert.equal(job.status, 'succeeded', job.error)
    const d = await get(id)
    const total = callsFor('teacher').length
    const prompts = new Map<string, number>()
    for (const c of callsFor('teacher')) prompts.set(JSON.stringify(c.messages), (prompts.get(JSON.stringify(c.messages)) ?? 0) + 1)
    const repeated = [...prompts.values()].filter((k) => k > 1).length
    t.diagnostic(`killed at ${mid!.progress.done} of 367 committed, ${atKill} calls; ${total} calls in all (${repeated} prompts asked twice), ${d.stats.cache_hits} cache hits after the restart`)
    assert.ok(total <= 367 + CONCURRENCY, `${total} teacher calls (${atKill} before the kill)`)
    assert.ok(total >= 367)
    assert.equal(d.counts.questions, 367)
    assert.equal(d.counts.kept + d.counts.dropped, 367)
    const dropped = d.dropped.map((x: { index: number }) => x.index)
    assert.equal(new Set(dropped).size, dropped.length)
    const all = [...await lines(id, 'train'), ...await lines(id, 'test')]
    assert.equal(all.length, d.counts.kept)
    assert.equal(new Set(all).size, all.length, 'no example twice')
    // Each kept line carries its own question; with the dropped ones they cover all 367.
    const questions = new Set(all.map((l) => /-- Text Question: (.*)\n$/s.exec(JSON.parse(l).messages[1].content)![1]))
    assert.equal(questions.size, d.counts.kept)
    // Answers that came back before the kill but were not committed come from the cache.
    assert.ok(d.stats.teacher_calls <= total)
    assert.ok(d.stats.teacher_calls + d.stats.cache_hits >= 367)
  })

  test('cancel: no teacher call starts more than 2 s after the cancel is acknowledged', async () => {
    fake.setAnswer(scriptedTeacher({ delayMs: 400 }))
    const res = await post({ source: 'train', kind: 'cot', concurrency: 4, teacher: { model: 'teacher-slow' } })
    assert.equal(res.statusCode, 202, res.body)
    await waitFor(async () => callsFor('teacher-slow').length >= 8, 60_000, 10)
    const cancel = await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${res.json().job_id}/cancel`, headers: AUTH })
    assert.ok(cancel.statusCode < 300, cancel.body)
    const cancelledAt = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 4000))
    const late = callsFor('teacher-slow').filter((c) => c.time > cancelledAt + 2000)
    assert.equal(late.length, 0)
    assert.ok(callsFor('teacher-slow').length < 367)
    const d = await get(res.json().id)
    assert.equal(d.status, 'cancelled')
    assert.equal((await stack.gateway.inject({ url: `/v1/datasets/${res.json().id}/files/train`, headers: AUTH })).statusCode, 409)
  })
})
