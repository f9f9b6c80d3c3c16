import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { createLlmClient, LlmError } from '@t2s/core/llm'
import { startFakeOpenAI } from '../../../test/fake-openai/server.js'
import { openReasoningDb } from '../src/db.js'
import { promptDigest, Teacher, type TeacherRequest } from '../src/teacher.js'

describe('Teacher: cache and call accounting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 't2s-teacher-'))
  const db = openReasoningDb(join(dir, 'state.db'))
  let fail = false
  const fake = await startFakeOpenAI({ answer: ({ temperature }) => fail ? { status: 400 } : `answer at ${temperature}` })
  const client = createLlmClient({ name: 'teacher', baseUrl: fake.url, model: 'teacher', retries: { max: 1, baseMs: 1 } })
  const teacher = new Teacher(db, async () => client)
  const site = { jobId: 'job_a', itemKey: '1', signal: new AbortController().signal }
  const req = (over: Partial<TeacherRequest> = {}): TeacherRequest => ({ server: 'teacher', model: 'teacher', messages: [{ role: 'user', content: 'explain' }], temperature: 0, attempt: 1, ...over })
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

  test('an identical request while one is in flight waits for it instead of paying again', async () => {
    const before = fake.calls.length
    fake.setLatency(200)
    try {
      const r = req({ messages: [{ role: 'user', content: 'twice at once' }] })
      const [a, b] = await Promise.all([teacher.ask(r, site), teacher.ask(r, { ...site, itemKey: '2' })])
      assert.deepEqual([a.cached, b.cached].sort(), [false, true])
      assert.equal(a.text, b.text)
      assert.equal(fake.calls.length, before + 1)
      // The owner cancelled: the other asks by itself.
      const owner = new AbortController()
      const r2 = req({ messages: [{ role: 'user', content: 'owner leaves' }] })
      const first = teacher.ask(r2, { ...site, signal: owner.signal })
      const second = teacher.ask(r2, { ...site, itemKey: '2' })
      setTimeout(() => owner.abort('cancelled'), 50)
      await assert.rejects(first, (err: unknown) => err instanceof LlmError && err.kind === 'aborted')
      assert.deepEqual(await second, { text: 'answer at 0', cached: false })
      assert.equal(fake.calls.length, before + 3)
    } finally {
      fake.setLatency(0)
    }
  })

  test('a failed call is counted but not cached; an aborted one is neither', async () => {
    fail = true
    await assert.rejects(teacher.ask(req({ attempt: 9 }), site), (err: unknown) => err instanceof LlmError && err.kind === 'client')
    assert.deepEqual(calls(), { n: 9, ok: 8 })
    const row = db.prepare('SELECT requests, error_kind FROM teacher_calls WHERE ok = 0').get()
    assert.deepEqual(row, { requests: 1, error_kind: 'client' })
    fail = false
    const aborted = new AbortController()
    aborted.abort('cancelled')
    await assert.rejects(teacher.ask(req({ attempt: 10 }), { ...site, signal: aborted.signal }), (err: unknown) => err instanceof LlmError && err.kind === 'aborted')
    assert.deepEqual(calls(), { n: 9, ok: 8 })
    assert.equal((db.prepare('SELECT count(*) AS n FROM teacher_cache').get() as { n: number }).n, 8)
  })
})
