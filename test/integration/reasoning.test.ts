import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startFakeOpenAI, type FakeOpenAI } from '../fake-openai/server.js'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'
import { waitFor } from '../helpers/processes.js'
import {
  answerKind, answerText, finalSqlOf, flaky, RECIPE_COT, scriptedTeacher
} from '../../services/reasoning/test/scripted-teacher.js'

const data = sharedData()

interface TrainItem { db_id: string, question: string, evidence: string, SQL: string }

describe('CoT datasets: gateway → reasoning service → fake teacher', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  let fake: FakeOpenAI
  let train: TrainItem[]
  const post = async (payload: object) => await stack.gateway.inject({ method: 'POST', url: '/v1/datasets', headers: AUTH, payload })
  const get = async (id: string) => (await stack.gateway.inject({ url: `/v1/datasets/${id}`, headers: AUTH })).json()
  const lines = async (id: string, split: string) => {
    const res = await stack.gateway.inject({ url: `/v1/datasets/${id}/files/${split}`, headers: AUTH })
    assert.equal(res.statusCode, 200, res.body)
    return res.body.split('\n').filter(Boolean)
  }
  const build = async (payload: object) => {
    const res = await post(payload)
    assert.equal(res.statusCode, 202, res.body)
    assert.match(res.json().id, /^cot_/)
    const job = await stack.waitJob(res.json().job_id, 180_000)
    assert.equal(job.status, 'succeeded', job.error)
    return await get(res.json().id)
  }
  const callsFor = (model: string) => fake.calls.filter((c) => c.model === model)

  before(async () => {
    train = JSON.parse(readFileSync(join(data!, 'bird-sample', 'train.json'), 'utf8'))
    fake = await startFakeOpenAI({
      models: ['teacher', 'teacher-400', 'teacher-503', 'teacher-unified', 'teacher-retry'],
      answer: scriptedTeacher({ failFirst: new Set(['teacher']), badRequest: new Set(['teacher-400']), down: new Set(['teacher-503']), goldWhenWarm: new Set(['teacher-retry']) })
    })
    stack = await startStack(['dataset', 'reasoning'], {
      T2S_SOURCE_ROOTS: data!,
      TEACHER_BASE_URL: fake.url,
      TEACHER_MODEL: 'teacher',
      TEACHER_RETRIES: '2'
    })
    await stack.registerSource('train', 'bird-sample/train.json', 'bird-sample/train_databases')
  })
  after(async () => {
    await stack?.stop()
    await fake?.close()
  })

  test('367 questions: execution keeps exactly the right answers, byte for byte; exact keeps what the recipe keeps; a second job calls no teacher', async () => {
    // What the recipe (in Python) makes of each answer: its exact-match verdict, its CoT line, and
    // the official comparison of the answer's final SQL with the gold.
    const kinds = train.map((q) => answerKind(q.question, q.SQL.trim()))
    const answers = train.map((q, i) => ({ answer: answerText(q.question, q.SQL.trim()), final: finalSqlOf(kinds[i], q.SQL.trim()) }))
    const tmp = mkdtempSync(join(tmpdir(), 't2s-cot-ref-'))
    writeFileSync(join(tmp, 'answers.json'), JSON.stringify(answers))
    const py = spawnSync('python3', ['-c', RECIPE_COT, join(data!, 'bird-sample', 'train.json'), join(data!, 'bird-sample', 'train_databases'), join(tmp, 'answers.json')], { encoding: 'utf8', maxBuffer: 256 << 20 })
    rmSync(tmp, { recursive: true, force: true })
    assert.equal(py.status, 0, py.stderr)
    const recipe = JSON.parse(py.stdout) as Array<{ exact: boolean, execution: string, line: string }>
    const expected = recipe.map((r) => r.execution)
    // The script covers every case, and a wrong answer sometimes returns the gold's (empty) result.
    for (const k of ['gold', 'draft', 'equivalent', 'wrong', 'error', 'nofence'] as const) assert.ok(kinds.filter((x) => x === k).length > 30, k)
    assert.ok(kinds.some((k, i) => k === 'wrong' && expected[i] === 'kept'))
    assert.ok(kinds.some((k, i) => k === 'wrong' && expected[i] === 'wrong_result'))
    const flakyCount = train.filter((q) => flaky(q.question, q.SQL.trim())).length
    assert.ok(flakyCount > 80)

    const d = await build({ source: 'train', kind: 'cot' })
    const keptIdx = expected.flatMap((v, i) => v === 'kept' ? [i] : [])
    assert.deepEqual(keptIdx, kinds.flatMap((k, i) => ['gold', 'draft', 'equivalent'].includes(k) || expected[i] === 'kept' ? [i] : []))
    const testCount = Math.ceil(keptIdx.length * 0.3)
    assert.deepEqual(d.counts, { questions: 367, kept: keptIdx.length, dropped: 367 - keptIdx.length, train: keptIdx.length - testCount, test: testCount })
    const byReason: Record<string, number> = {}
    for (const v of expected) if (v !== 'kept') byReason[v] = (byReason[v] ?? 0) + 1
    assert.deepEqual(d.stats.dropped_by_reason, byReason)
    assert.deepEqual(d.dropped.map((x: { index: number, reason: string }) => [x.index, x.reason]), expected.flatMap((v, i) => v === 'kept' ? [] : [[i, v]]))
    // No item lost to the 503s: every question answered once, each flaky one after one retry.
    assert.equal(d.stats.teacher_calls, 367)
    assert.equal(d.stats.teacher_requests, 367 + flakyCount)
    assert.equal(d.stats.cache_hits, 0)
    assert.equal(d.stats.teacher_failures, 0)
    assert.equal(callsFor('teacher').length, 367 + flakyCount)
    assert.ok(d.stats.prompt_tokens > 0 && d.stats.completion_tokens > 0)
    assert.equal(d.prompt.version, 'cookbook-1')
    assert.equal(d.params.teacher.model, 'teacher')
    assert.equal(d.token_stats.test.examples, testCount)

    const got = [...await lines(d.id, 'train'), ...await lines(d.id, 'test')]
    assert.equal(got.length, keptIdx.length)
    assert.deepEqual([...got].sort(), keptIdx.map((i) => recipe[i].line).sort())
    assert.equal(new Set(got).size, new Set(keptIdx.map((i) => recipe[i].line)).size)

    // exact: the recipe's rule, answered from the cache (the same prompts, model and temperature).
    const before = fake.calls.length
    const e = await build({ source: 'train', kind: 'cot', validation: 'exact' })
    assert.equal(fake.calls.length, before, 'a second job over the same source and teacher calls no teacher')
    assert.equal(e.stats.teacher_calls, 0)
    assert.equal(e.stats.cache_hits, 367)
    const exactIdx = recipe.flatMap((r, i) => r.exact ? [i] : [])
    assert.ok(exactIdx.length > 5 && exactIdx.length < keptIdx.length / 3)
    assert.equal(e.counts.kept, exactIdx.length)
    assert.deepEqual([...await lines(e.id, 'train'), ...await lines(e.id, 'test')].sort(), exactIdx.map((i) => recipe[i].line).sort())

    // The same request again: the same split (seeded), still no call.
    const again = await build({ source: 'train', kind: 'cot' })
    assert.equal(fake.calls.length, before)
    assert.deepEqual(await lines(again.id, 'test'), await lines(d.id, 'test'))
    assert.deepEqual(await lines(again.id, 'train'), await lines(d.id, 'train'))

    const list = (await stack.gateway.inject({ url: '/v1/datasets', headers: AUTH })).json()
    for (const id of [d.id, e.id, again.id]) assert.ok(list.items.some((x: { id: string }) => x.id === id))
  })

  test('layout "unified" puts the SFT/evaluation user layout under the CoT system prompt', async () => {
    const d = await build({ source: 'train', kind: 'cot', validation: 'none', layout: 'unified', limit: 20, teacher: { model: 'teacher-unified' } })
    assert.equal(d.prompt.version, 'cookbook-1+unified')
    const first = JSON.parse((await lines(d.id, 'train'))[0]).messages
    assert.match(first[0].content, /generate the step-by-step reasoning and the final SQLite/)
    assert.match(first[1].content, /^-- DB Schema: CREATE TABLE/)
    assert.match(first[1].content, /\n\n-- External Knowledge: \n\n-- Question: /)
    // none keeps every fenced answer: only the no-fence ones are dropped.
    const noFence = train.slice(0, 20).filter((q) => answerKind(q.question, q.SQL.trim()) === 'nofence').length
    assert.equal(d.counts.kept, 20 - noFence)
    assert.deepEqual(d.stats.dropped_by_reason, noFence ? { no_sql: noFence } : {})
  })

  test('attempts 3: a rejected answer is asked again at temperature 0.7, and the re-asks are cached too', async () => {
    const payload = { source: 'train', kind: 'cot', limit: 40, attempts: 3, teacher: { model: 'teacher-retry' } }
    const d = await build(payload)
    const firstKept = train.slice(0, 40).filter((q) => ['gold', 'draft', 'equivalent'].includes(answerKind(q.question, q.SQL.trim()))).length
    // Every question ends kept (the re-ask brings the gold); wrong answers that return the gold's result are kept at once.
    assert.equal(d.counts.kept, 40)
    assert.ok(d.stats.kept_by_attempt['1'] >= firstKept)
    assert.equal(d.stats.kept_by_attempt['1'] + d.stats.kept_by_attempt['2'], 40)
    assert.equal(d.stats.teacher_calls, 40 + d.stats.kept_by_attempt['2'])
    const temps = callsFor('teacher-retry').map((c) => c.body.temperature)
    assert.equal(temps.filter((t) => t === 0).length, 40)
    assert.equal(temps.filter((t) => t === 0.7).length, d.stats.kept_by_attempt['2'])
    const again = await build(payload)
    assert.equal(again.stats.teacher_calls, 0)
    assert.equal(again.stats.cache_hits, 40 + d.stats.kept_by_attempt['2'])
  })

  test('teacher faults: a 400 is not retried, a 503 that outlasts the retries is llm_error; the job completes', async () => {
    const d = await build({ source: 'train', kind: 'cot', limit: 30, validation: 'none', teacher: { model: 'teacher-400' } })
    const failed = d.dropped.filter((x: { reason: string }) => x.reason === 'llm_error')
    assert.ok(failed.length > 5)
    assert.match(failed[0].detail, /client \(HTTP 400\) after 1 attempt/)
    assert.equal(d.stats.teacher_failures, failed.length)
    assert.equal(callsFor('teacher-400').length, 30, 'one request per question, none repeated')

    // TEACHER_RETRIES is 2 here: three requests, then the question is given up.
    const down = await build({ source: 'train', kind: 'cot', limit: 10, validation: 'none', teacher: { model: 'teacher-503' } })
    const gaveUp = down.dropped.filter((x: { reason: string }) => x.reason === 'llm_error')
    assert.ok(gaveUp.length >= 2 && gaveUp.length <= 8)
    assert.match(gaveUp[0].detail, /server \(HTTP 503\) after 3 attempts/)
    assert.equal(callsFor('teacher-503').length, 10 + 2 * gaveUp.length)
    assert.equal(down.stats.teacher_requests, 10 + 2 * gaveUp.length)
  })

  test('unknown source 404, bad options 400 naming the field, files 409 until the dataset has succeeded', async () => {
    let res = await post({ source: 'nope', kind: 'cot' })
    assert.equal(res.statusCode, 404)
    res = await post({ source: 'train', kind: 'cot', validation: 'fuzzy' })
    assert.equal(res.statusCode, 400)
    assert.match(res.json().detail, /validation/)
    res = await post({ source: 'train', kind: 'cot', attempts: 9 })
    assert.equal(res.statusCode, 400)
    assert.match(res.json().detail, /attempts/)
    res = await stack.gateway.inject({ url: '/v1/datasets/cot_missing', headers: AUTH })
    assert.equal(res.statusCode, 404)
    fake.setLatency(2000)
    try {
      res = await post({ source: 'train', kind: 'cot', limit: 4, teacher: { model: 'teacher', temperature: 0.3 } })
      assert.equal(res.statusCode, 202)
      const file = await stack.gateway.inject({ url: `/v1/datasets/${res.json().id}/files/train`, headers: AUTH })
      assert.equal(file.statusCode, 409)
      assert.match(file.json().detail, /files exist once it has succeeded/)
      await stack.jobs.cancel(res.json().job_id)
    } finally {
      fake.setLatency(0)
    }
  })

  test('no teacher configured: POST answers 503 problem+json naming TEACHER_BASE_URL', async () => {
    await stack.procs.get('reasoning')!.kill('SIGTERM')
    await stack.startService('reasoning', { TEACHER_BASE_URL: '' })
    try {
      const res = await post({ source: 'train', kind: 'cot' })
      assert.equal(res.statusCode, 503)
      assert.match(String(res.headers['content-type']), /application\/problem\+json/)
      assert.match(res.json().detail, /set TEACHER_BASE_URL/)
    } finally {
      await stack.procs.get('reasoning')!.kill('SIGTERM')
      await stack.startService('reasoning')
    }
    await waitFor(async () => (await stack.gateway.inject('/readyz')).statusCode === 200)
  })
})
