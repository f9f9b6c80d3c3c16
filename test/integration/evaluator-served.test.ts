// A served-model evaluation against the fake OpenAI server: transient failures are retried
// and lose no question, a hung request becomes an error after its timeout, client errors
// are not retried, majority voting, cancellation, /v1/sql/generate and /v1/models.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { SYSTEM_PROMPTS } from '@t2s/core/prompts'
import { messageText } from '../fake-openai/scripts.js'
import { startFakeOpenAI, type FakeAnswer, type FakeOpenAI, type FakeReply } from '../fake-openai/server.js'
import { waitFor } from '../helpers/processes.js'
import { addOneDbSource } from '../helpers/sources.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const N = 40
const goldOf = (i: number) => `SELECT name FROM pet WHERE id % ${N} = ${i} ORDER BY id`
const questionOf = (text: string) => Number(/-- Question: question (\d+)$/.exec(text)?.[1] ?? -1)

describe('served-model evaluation against the fake OpenAI server', { timeout: 240_000 }, () => {
  let stack: Stack
  let fake: FakeOpenAI
  const calls = new Map<number, number>()
  const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => await stack.gateway.inject({ method, url, headers: AUTH, payload })
  const script = (fn: (q: number, nth: number, index: number) => FakeReply): FakeAnswer => ({ messages, index }) => {
    const q = questionOf(messageText(messages.at(-1)!))
    const nth = index === 0 ? (calls.set(q, (calls.get(q) ?? 0) + 1), calls.get(q)!) : calls.get(q)!
    return fn(q, nth, index)
  }
  const evaluate = async (payload: object) => {
    const res = await inject('POST', '/v1/evaluations', { source: 'pets', ...payload })
    assert.equal(res.statusCode, 202, res.body)
    return res.json() as { id: string, job_id: string }
  }
  const items = async (id: string) => (await inject('GET', `/v1/evaluations/${id}/items?limit=5000`)).json().items as Array<{ index: number, status: string, error: string | null, sql: string | null, tokens: unknown, latency_ms: number }>

  before(async () => {
    fake = await startFakeOpenAI({ models: ['student', 'teacher'] })
    stack = await startStack(['dataset', 'evaluator'], { STUDENT_BASE_URL: fake.url, TEACHER_BASE_URL: fake.url, TEACHER_MODEL: 'teacher', STUDENT_MODEL: 'student' })
    const questions = Array.from({ length: N }, (_, i) => ({ question_id: i, db_id: 'pets', question: `question ${i}`, evidence: i === 1 ? 'pets are animals' : '', SQL: goldOf(i), difficulty: ['simple', 'moderate', 'challenging'][i % 3] }))
    await addOneDbSource(stack, 'pets', 'pets', (db) => {
      db.exec('CREATE TABLE pet (id INTEGER PRIMARY KEY, name TEXT, kind TEXT)')
      const insert = db.prepare('INSERT INTO pet (name, kind) VALUES (?, ?)')
      for (let i = 0; i < 200; i++) insert.run(`pet${i}`, ['dog', 'cat', 'fish'][i % 3])
    }, questions)
  })
  after(async () => {
    await stack?.stop()
    await fake?.close()
  })

  test('transient 503s, 429s and cut connections lose no question; a hang ends as an error after its timeout; 4xx is not retried', async () => {
    calls.clear()
    fake.setAnswer(script((q, nth) => {
      if ([3, 7, 11].includes(q) && nth <= 2) return { status: 503 }
      if (q === 13 && nth === 1) return { status: 429, retryAfterMs: 100 }
      if (q === 12 && nth === 1) return { malformed: 'cut' }
      if (q === 5) return { hang: true }
      if (q === 9) return { malformed: true }
      if (q === 14) return { status: 400 }
      if (q === 15) return 'I cannot answer that.'
      if (q === 16) return '```sql\nSELECT kind FROM pet\n```'
      if (q === 17) return `Let me think.\n\`\`\`sql\nSELECT 1\n\`\`\`\nNo, better:\n\`\`\`SQL\n${goldOf(17)}\n\`\`\``
      return '```sql\n' + goldOf(q) + '\n```'
    }))
    const { id, job_id: jobId } = await evaluate({ model: 'student', concurrency: 4, request_timeout_s: 2, system_prompt: 'reasoning' })
    const job = await stack.waitJob(jobId, 120_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    const rows = await items(id)
    assert.deepEqual(rows.map((r) => r.index), Array.from({ length: N }, (_, i) => i), 'every question once')
    const status = (q: number) => rows[q].status
    for (const q of [3, 7, 11, 12, 13]) assert.equal(status(q), 'correct', `question ${q}: ${rows[q].error}`)
    assert.deepEqual([3, 7, 11].map((q) => calls.get(q)), [3, 3, 3])
    assert.equal(status(5), 'llm_error')
    assert.match(rows[5].error!, /timeout/)
    assert.ok(rows[5].latency_ms >= 2000, String(rows[5].latency_ms))
    assert.equal(calls.get(5), 1, 'a timed-out generation is not paid for twice')
    assert.equal(status(9), 'llm_error')
    assert.match(rows[9].error!, /malformed/)
    assert.equal(status(14), 'llm_error')
    assert.match(rows[14].error!, /HTTP 400/)
    assert.equal(calls.get(14), 1, '4xx is never retried')
    assert.equal(status(15), 'no_sql')
    assert.equal(status(16), 'wrong_result')
    assert.equal(status(17), 'correct', 'robust extraction takes the last fence')
    assert.equal(rows[17].sql, goldOf(17))
    const report = (await inject('GET', `/v1/evaluations/${id}`)).json()
    assert.equal(report.model, 'student')
    assert.deepEqual(report.statuses, { correct: 35, wrong_result: 1, pred_error: 0, pred_timeout: 0, rejected: 0, no_sql: 1, gold_error: 0, gold_timeout: 0, llm_error: 3 })
    assert.equal(report.ex.total, 100 * 35 / N)
    assert.ok(report.timing.prompt_tokens > 0 && report.timing.completion_tokens > 0)
    assert.equal(report.manifest.prompt.system_prompt, 'reasoning')
    assert.ok(fake.stats().maxInFlight <= 4, `in flight ${fake.stats().maxInFlight}`)
    // The recipe's prompt: its reasoning system prompt, then schema, evidence and question.
    const first = fake.calls.find((c) => messageText(c.messages.at(-1)!).endsWith('question 1'))!
    assert.equal(messageText(first.messages[0]), SYSTEM_PROMPTS.reasoning)
    assert.match(messageText(first.messages[1]), /^-- DB Schema: CREATE TABLE pet \(id INTEGER PRIMARY KEY, name TEXT, kind TEXT\)\n\n-- External Knowledge: pets are animals\n\n-- Question: question 1$/)
    assert.equal(first.body.temperature, 0)
    const exported = (await inject('GET', `/v1/evaluations/${id}/predictions`)).json()
    assert.equal(exported['17'], `${goldOf(17)}\t----- bird -----\tpets`)
    assert.equal(exported['5'], '\t----- bird -----\tpets')
  })

  test('samples > 1: majority vote over execution results, ties to the earliest', async () => {
    calls.clear()
    fake.setAnswer(script((q, _nth, index) => {
      // question 0: one wrong, two right → right; question 1: wrong, right, broken → tie → the earliest (wrong).
      const byIndex = q === 1 ? ['SELECT kind FROM pet', goldOf(1), 'SELEC'] : ['SELECT kind FROM pet', goldOf(q), goldOf(q)]
      return '```sql\n' + byIndex[index] + '\n```'
    }))
    const { id, job_id: jobId } = await evaluate({ model: 'student', samples: 3, limit: 6 })
    assert.equal((await stack.waitJob(jobId)).status, 'succeeded')
    const rows = await items(id)
    assert.deepEqual(rows.map((r) => r.status), ['correct', 'wrong_result', 'correct', 'correct', 'correct', 'correct'])
    const sent = fake.calls.at(-1)!.body
    assert.equal(sent.n, 3)
    assert.equal(sent.temperature, 0.8)
  })

  test('cancellation: no request starts more than 2 s after the cancel', async () => {
    calls.clear()
    fake.setAnswer(script((q) => '```sql\n' + goldOf(q) + '\n```'))
    fake.setLatency(300)
    try {
      const { id, job_id: jobId } = await evaluate({ model: 'student', concurrency: 2 })
      const before = fake.calls.length
      await waitFor(async () => fake.calls.length >= before + 4, 30_000, 20)
      const cancelled = await inject('POST', `/v1/jobs/${jobId}/cancel`)
      assert.equal(cancelled.statusCode, 200)
      const at = Date.now()
      await new Promise((resolve) => setTimeout(resolve, 3000))
      const late = fake.calls.slice(before).filter((c) => c.time > at + 2000)
      assert.equal(late.length, 0, `${late.length} requests after the cancel`)
      const report = (await inject('GET', `/v1/evaluations/${id}`)).json()
      assert.equal(report.status, 'cancelled')
      assert.ok(report.counts.total < N)
      assert.equal((await inject('GET', `/v1/evaluations/${id}/predictions`)).statusCode, 409)
    } finally {
      fake.setLatency(0)
    }
  })

  test('/v1/sql/generate answers once and runs the SQL; /v1/models lists both servers and adapters', async () => {
    fake.setAnswer(script((q) => 'Here:\n```sql\n' + goldOf(q) + '\n```'))
    const res = await inject('POST', '/v1/sql/generate', { source: 'pets', db_id: 'pets', question: 'question 2', model: 'student' })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.equal(body.sql, goldOf(2))
    assert.equal(body.extraction, 'fence')
    assert.equal(body.result.status, 'ok')
    assert.deepEqual(body.result.columns, ['name'])
    assert.deepEqual(body.result.rows.slice(0, 2), [['pet1'], ['pet41']])
    const bad = await inject('POST', '/v1/sql/generate', { source: 'pets', db_id: 'nope', question: 'q', model: 'student' })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.json().detail, /db_id "nope" is not a database of source "pets"/)
    const unknown = await inject('POST', '/v1/sql/generate', { source: 'pets', db_id: 'pets', question: 'q', model: 'ghost' })
    assert.equal(unknown.statusCode, 400)

    fake.adapters.set('pets-lora', '/adapters/pets')
    const models = (await inject('GET', '/v1/models')).json()
    assert.equal(models.student.available, true)
    assert.equal(models.teacher.default_model, 'teacher')
    assert.deepEqual(models.student.models.find((m: { id: string }) => m.id === 'pets-lora'), { id: 'pets-lora', parent: 'student', max_model_len: null })
    const accepted = await inject('POST', '/v1/evaluations', { source: 'pets', model: 'pets-lora', limit: 2 })
    assert.equal(accepted.statusCode, 202, accepted.body)
    assert.equal((await stack.waitJob(accepted.json().job_id)).status, 'succeeded')
    const listed = (await inject('GET', '/v1/evaluations?limit=2')).json()
    assert.equal(listed.items.length, 2)
    assert.equal(listed.items[0].id, accepted.json().id, 'newest first')
    const refused = await inject('POST', '/v1/evaluations', { source: 'pets', model: 'ghost' })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.json().detail, /model "ghost" is not served by the student server/)
  })
})
