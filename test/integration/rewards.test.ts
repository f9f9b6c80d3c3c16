// The reward API against the evaluator: the same SQL, sent as rewards and as an evaluation,
// gets the same status, EX and Soft-F1 item by item, on bird-sample questions from every
// database with hard predictions (errors, rejected writes, stacked statements, a runaway
// query, blanks, double-quoted strings); completions are cut by the evaluator's extraction.
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { extractSql } from '@t2s/core/llm'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()
const TIMEOUT_S = 2
const RUNAWAY = 'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c'

interface Q { question_id: number, db_id: string, SQL: string }
interface Item { question_id: number, sql: string | null, extraction: string, status: string, ex: number, soft_f1: number, format_ok: boolean, reward: number | null, error: string | null }

// One hard prediction per question, cycling through the cases.
const PREDICT: Array<(q: Q) => string> = [
  (q) => q.SQL,
  () => 'SELECT 1',
  () => 'SELEC nothing',
  () => '',
  () => 'DROP TABLE x',
  (q) => `${q.SQL};`,
  (q) => `${q.SQL}; DROP TABLE x`,
  (q) => `-- the answer\n${q.SQL.replaceAll("'", '"')}`,
  (q) => `SELECT * FROM (${q.SQL}) LIMIT 1`,
  (q) => `SELECT DISTINCT * FROM (${q.SQL})`,
  () => RUNAWAY
]

describe('reward API on bird-sample dev, item by item against an evaluation', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  let questions: Q[]
  let preds: string[]
  const post = async (payload: unknown) => await stack.gateway.inject({ method: 'POST', url: '/v1/rewards', headers: AUTH, payload: payload as object })

  before(async () => {
    const all = JSON.parse(readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8')) as Q[]
    // 66 questions spread over the file, so over every database of the split.
    questions = all.filter((_q, i) => i % 11 === 0)
    preds = questions.map((q, i) => PREDICT[i % PREDICT.length](q))
    stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data! })
    mkdirSync(join(stack.dataDir, 'picked'))
    writeFileSync(join(stack.dataDir, 'picked', 'dev.json'), JSON.stringify(questions))
    await stack.registerSource('picked', 'picked/dev.json', join(data!, 'bird-sample', 'dev_databases'))
  })
  after(async () => { await stack?.stop() })

  test('sql items and fenced completions score as the evaluation scores the same SQL', async () => {
    const ev = await stack.gateway.inject({
      method: 'POST',
      url: '/v1/evaluations',
      headers: AUTH,
      payload: { source: 'picked', predictions: questions.map((q, i) => ({ question_id: q.question_id, sql: preds[i] })), timeout_s: TIMEOUT_S, concurrency: 8 }
    })
    assert.equal(ev.statusCode, 202, ev.body)
    const job = await stack.waitJob(ev.json().job_id, 240_000)
    assert.equal(job.status, 'succeeded', JSON.stringify(job))
    const evItems = (await stack.gateway.inject({ url: `/v1/evaluations/${ev.json().id}/items?limit=5000`, headers: AUTH })).json().items as Array<{ status: string, correct: boolean, soft_f1: number }>
    assert.equal(evItems.length, questions.length)

    const completion = (sql: string) => `The question asks for it, so:\n\`\`\`sql\n${sql}\n\`\`\`\nThat is the query.`
    const items = [
      ...questions.map((q, i) => ({ question_id: q.question_id, sql: preds[i] })),
      ...questions.map((q, i) => ({ question_id: q.question_id, completion: completion(preds[i]) }))
    ]
    const res = await post({ source: 'picked', items, timeout_s: TIMEOUT_S, reward: { format: 0.5 } })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json() as { items: Item[], reward: Record<string, number>, mean_reward: number, ex: number, gold_cache_hits: number }
    assert.deepEqual(body.reward, { correct: 1, executable: 0.1, error: 0, format: 0.5 })
    assert.equal(body.items.length, 2 * questions.length)
    const n = questions.length
    for (const [i, it] of body.items.entries()) {
      const k = i % n
      const e = evItems[k]
      const why = `item ${i} (question ${questions[k].question_id}, ${JSON.stringify(preds[k].slice(0, 60))}): reward ${it.status} vs evaluation ${e.status}`
      assert.equal(it.question_id, questions[k].question_id)
      assert.equal(it.status, e.status, why)
      assert.equal(it.ex, e.correct ? 1 : 0, why)
      assert.equal(it.soft_f1, e.soft_f1, why)
      const sent = i < n
      // The evaluator's own extraction, not a restatement of it.
      assert.equal(it.sql, sent ? preds[k] : extractSql(completion(preds[k])).sql, why)
      assert.equal(it.extraction, sent ? 'sql' : extractSql(completion(preds[k])).how, why)
      const outcome = e.correct ? 1 : e.status === 'wrong_result' ? 0.1 : 0
      assert.equal(it.format_ok, !sent && it.extraction === 'fence', why)
      assert.equal(it.reward, outcome + (it.format_ok ? 0.5 : 0), why)
    }
    // Every kind of verdict occurs, so the comparison covers each path of the scorer.
    const statuses = new Set(body.items.map((it) => it.status))
    for (const s of ['correct', 'wrong_result', 'pred_error', 'rejected', 'no_sql', 'pred_timeout']) assert.ok(statuses.has(s), `no ${s} among ${[...statuses].join(', ')}`)
    // The evaluation warmed the gold cache the rewards share.
    assert.equal(body.gold_cache_hits, body.items.length)
    const rewards = body.items.map((it) => it.reward!)
    assert.ok(Math.abs(body.mean_reward - rewards.reduce((a, b) => a + b, 0) / rewards.length) < 1e-12)
  })

  test('defaults are Arctic-R1: 1 / 0.1 / 0, no format term', async () => {
    const q = questions[0]
    const res = await post({ source: 'picked', items: [{ question_id: q.question_id, completion: `\`\`\`sql\n${q.SQL}\n\`\`\`` }, { question_id: q.question_id, sql: 'SELECT 1' }, { question_id: q.question_id, sql: 'SELEC' }] })
    assert.equal(res.statusCode, 200, res.body)
    const body = res.json()
    assert.deepEqual(body.reward, { correct: 1, executable: 0.1, error: 0, format: 0 })
    assert.deepEqual(body.items.map((it: Item) => [it.status, it.reward, it.format_ok]), [['correct', 1, true], ['wrong_result', 0.1, false], ['pred_error', 0, false]])
  })

  test('bad requests are 400 problems naming the problem', async () => {
    const q = questions[0]
    const cases: Array<[unknown, RegExp]> = [
      [{ source: 'picked', items: [{ question_id: 999_999, sql: 'SELECT 1' }] }, /items\[0\]\.question_id 999999 is not a question of source "picked"/],
      [{ source: 'nope', items: [{ question_id: q.question_id, sql: 'SELECT 1' }] }, /source "nope" not found/],
      [{ source: 'picked', items: [{ question_id: q.question_id, completion: 'x'.repeat(1_000_000) }] }, /completion must NOT have more than 65536 characters/],
      [{ source: 'picked', items: [{ question_id: q.question_id }] }, /items\[0\] must have exactly one of completion or sql/],
      [{ source: 'picked', items: [{ question_id: q.question_id, sql: 'SELECT 1', completion: 'SELECT 1' }] }, /exactly one of completion or sql/],
      [{ source: 'picked', items: [{ question_id: q.question_id, sql: 'SELECT 1' }], reward: { correct: 'NaN' } }, /reward\.correct must be number/],
      [{ source: 'picked', items: [{ question_id: q.question_id, sql: 'SELECT 1' }], reward: { correct: 1e308 } }, /reward\.correct must be <= 100/],
      [{ source: 'picked', items: [{ question_id: q.question_id, sql: 'SELECT 1' }], reward: { bonus: 1 } }, /must NOT have additional properties|must not have property 'bonus'/],
      [{ source: 'picked', items: [] }, /items must NOT have fewer than 1 items/]
    ]
    for (const [payload, want] of cases) {
      const res = await post(payload)
      assert.equal(res.statusCode, 400, `${JSON.stringify(payload).slice(0, 120)} → ${res.body.slice(0, 300)}`)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      assert.match(res.json().detail, want)
    }
    // NaN is not JSON: a trainer that computes a NaN weight gets a 400, not a reward.
    const raw = await stack.gateway.inject({ method: 'POST', url: '/v1/rewards', headers: { ...AUTH, 'content-type': 'application/json' }, payload: `{"source":"picked","items":[{"question_id":${q.question_id},"sql":"SELECT 1"}],"reward":{"correct":NaN}}` })
    assert.equal(raw.statusCode, 400, raw.body)
    assert.doesNotMatch(raw.body, /at |\/work\/|node_modules/)
  })
})
