import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { createLlmClient, LlmError } from '@t2s/core/llm/index'
import { startFakeOpenAI } from '../../../test/fake-openai/server.js'
import { openReasoningDb } from '../src/db.js'
import { promptDigest, Teacher, type TeacherRequest } from '../src/teacher.js'

describe('Teacher: cache and call accounting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 't2s-teacher-'))
  const db = openReasoningDb(join(dir, 'state.db'))
  let fail = false
  const fake = await startFakeOpenAI({ answer: ({ temperature }) => fail ? { status: 400 } : `answer at ${temperature}` })
  const client = createLlmClient({ name: 'teacher', baseUrl: fake.url, model: 'teacher', retries: { max: 1, baseMs: 1 } })
  const teacher = new Teacher(db, client)
  const site = { jobId: 'job_a', itemKey: '1', signal: new AbortController().signal }
  const req = (over: Partial<TeacherRequest> = {}): TeacherRequest => ({ model: 'teacher', messages: [{ role: 'user', content: 'explain' }], temperature: 0, attempt: 1, ...over })
  const calls = () => db.prepare('SELECT count(*) AS n, coalesce(sum(ok), 0) AS ok FROM teacher_calls').get() as { n: number, ok: number }

  after(async () => {
    db.close()
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('an answer is paid once: the same (model, prompt, temperature, attempt) comes from the cache', async () => {
    assert.deepEqual(await teacher.ask(req(), site), { text: 'answer at 0', cached: false })
    assert.deepEqual(await teacher.ask(req(), { ...site, jobId: 'job_b' }), { text: 'answer at 0', cached: true })
    assert.equal(fake.calls.length, 1)
    assert.deepEqual(calls(), { n: 1, ok: 1 })
  })

  test('temperature, attempt, model, prompt or max_tokens make another key', async () => {
    await teacher.ask(req({ temperature: 0.7, attempt: 2 }), site)
    await teacher.ask(req({ temperature: 0.7, attempt: 3 }), site)
    await teacher.ask(req({ model: 'student' }), site)
    await teacher.ask(req({ messages: [{ role: 'user', content: 'explain again' }] }), site)
    await teacher.ask(req({ maxTokens: 100 }), site)
    assert.equal(fake.calls.length, 6)
    assert.notEqual(promptDigest([{ role: 'user', content: 'x' }], undefined), promptDigest([{ role: 'user', content: 'x' }], 100))
  })

  test('a failed call is counted but not cached; an aborted one is neither', async () => {
    fail = true
    await assert.rejects(teacher.ask(req({ attempt: 9 }), site), (err: unknown) => err instanceof LlmError && err.kind === 'client')
    assert.deepEqual(calls(), { n: 7, ok: 6 })
    const row = db.prepare('SELECT requests, error_kind FROM teacher_calls WHERE ok = 0').get()
    assert.deepEqual(row, { requests: 1, error_kind: 'client' })
    fail = false
    const aborted = new AbortController()
    aborted.abort('cancelled')
    await assert.rejects(teacher.ask(req({ attempt: 10 }), { ...site, signal: aborted.signal }), (err: unknown) => err instanceof LlmError && err.kind === 'aborted')
    assert.deepEqual(calls(), { n: 7, ok: 6 })
    assert.equal((db.prepare('SELECT count(*) AS n FROM teacher_cache').get() as { n: number }).n, 6)
  })
})
