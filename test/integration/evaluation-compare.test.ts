import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, test } from 'node:test'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()
const SEP = '\t----- bird -----\t'
const REFERENCE = fileURLToPath(new URL('../../services/core/test/stats/compare_reference.py', import.meta.url))

interface Q { db_id: string, SQL: string, difficulty: string }

// Two runs that are gold SQL except on known questions, where they answer a wrong constant.
const WRONG_IN_A = [3, 10, 50, 100, 200]
const WRONG_IN_B = [10, 20, 30, 40, 60, 70, 80, 90, 400, 500, 600, 700]

describe('comparing evaluations on bird-sample dev', { skip: data ? false : SKIP_NO_DATA, timeout: 600_000 }, () => {
  let stack: Stack
  let questions: Q[]
  let a: string
  let b: string
  const get = async (url: string) => await stack.gateway.inject({ method: 'GET', url, headers: AUTH })
  const evaluate = async (source: string, wrong: number[], wait = true) => {
    const predictions = Object.fromEntries(questions.map((q, i) => [String(i), `${wrong.includes(i) ? 'SELECT -987654321' : q.SQL}${SEP}${q.db_id}`]))
    const res = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source, predictions } })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json()
    if (wait) assert.equal((await stack.waitJob(jobId, 300_000)).status, 'succeeded')
    return { id, jobId }
  }
  const scores = async (id: string) => {
    const res = await get(`/v1/evaluations/${id}/items?limit=5000`)
    assert.equal(res.statusCode, 200, res.body)
    return res.json().items.map((i: any) => ({ difficulty: i.difficulty, correct: i.correct, soft_f1: i.soft_f1 }))
  }
  const problem = (res: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number, detail: RegExp) => {
    assert.equal(res.statusCode, status)
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    assert.match(res.json().detail, detail)
  }

  before(async () => {
    questions = JSON.parse(readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8'))
    stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data! })
    await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
    a = (await evaluate('dev', WRONG_IN_A)).id
    b = (await evaluate('dev', WRONG_IN_B)).id
  })
  after(async () => { await stack?.stop() })

  test('reports exactly the known flips, and figures equal to the Python reference', async () => {
    const res = await get(`/v1/evaluations/compare?ids=${a},${b}`)
    assert.equal(res.statusCode, 200, res.body)
    const cmp = res.json()
    assert.deepEqual([cmp.ids, cmp.questions, cmp.compared, cmp.partial], [[a, b], 714, 714, false])
    assert.deepEqual(cmp.method, {
      confidence: 0.95,
      ex_interval: 'Wilson score interval',
      soft_f1_interval: 'percentile bootstrap over questions',
      difference_interval: 'paired percentile bootstrap over questions (the same draws for every evaluation)',
      test: 'exact McNemar test (two-sided binomial on the discordant pairs)',
      resamples: 2000,
      seed: 2026
    })
    const total = cmp.pairs[0].buckets.total
    const rightToWrong = WRONG_IN_B.filter((i) => !WRONG_IN_A.includes(i))
    const wrongToRight = WRONG_IN_A.filter((i) => !WRONG_IN_B.includes(i))
    assert.deepEqual([total.right_to_wrong, total.wrong_to_right, total.both_wrong, total.both_right], [rightToWrong.length, wrongToRight.length, 1, 714 - 16])
    assert.equal(cmp.evaluations[0].buckets.total.correct, 709)
    assert.equal(cmp.evaluations[1].buckets.total.correct, 702)
    // 4 against 11 discordant pairs: p = 2 · Σ_{i≤4} C(15, i) / 2^15.
    assert.equal(total.mcnemar_p, 2 * (1 + 15 + 105 + 455 + 1365) / 32768)

    const ref = spawnSync('python3', [REFERENCE], { input: JSON.stringify({ runs: [await scores(a), await scores(b)], resamples: 2000, seed: 2026 }), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    assert.equal(ref.status, 0, ref.stderr)
    const expected = JSON.parse(ref.stdout)
    assert.deepEqual(cmp.evaluations.map((e: any) => e.buckets), expected.runs)
    assert.deepEqual(cmp.pairs.map((p: any) => p.buckets), expected.pairs.map((p: any) => p.buckets))

    const flips = await get(`/v1/evaluations/compare/flips?a=${a}&b=${b}`)
    assert.equal(flips.statusCode, 200, flips.body)
    const page = flips.json()
    assert.equal(page.total, 15)
    assert.deepEqual(page.items.map((f: any) => f.index), [...rightToWrong, ...wrongToRight].sort((x, y) => x - y))
    const first = page.items[0]
    assert.deepEqual([first.index, first.direction, first.a.status, first.a.sql, first.b.status, first.b.sql], [3, 'wrong_to_right', 'wrong_result', 'SELECT -987654321', 'correct', questions[3].SQL])
    assert.equal(first.gold_sql, questions[3].SQL)
    const onlyLost = (await get(`/v1/evaluations/compare/flips?a=${a}&b=${b}&direction=right_to_wrong&limit=3&offset=1`)).json()
    assert.deepEqual([onlyLost.total, onlyLost.items.map((f: any) => f.index)], [11, rightToWrong.slice(1, 4)])
  })

  test('an evaluation compared with itself has no flips and p = 1; three evaluations give three pairs', async () => {
    const self = await get(`/v1/evaluations/compare?ids=${a},${b},${a}`)
    problem(self, 400, new RegExp(`ids names ${a} twice`))
    const { id: c } = await evaluate('dev', WRONG_IN_A)
    const same = (await get(`/v1/evaluations/compare?ids=${a},${c},${b}`)).json()
    assert.deepEqual(same.pairs.map((p: any) => [p.a, p.b]), [[a, c], [a, b], [c, b]])
    const t = same.pairs[0].buckets.total
    assert.deepEqual([t.right_to_wrong, t.wrong_to_right, t.mcnemar_p, t.ex_diff], [0, 0, 1, { value: 0, low: 0, high: 0 }])
    assert.deepEqual(same.pairs[2].buckets, (await get(`/v1/evaluations/compare?ids=${a},${b}`)).json().pairs[0].buckets)
  })

  test('a cancelled evaluation is compared over what it scored, marked partial', async () => {
    const { id, jobId } = await evaluate('dev', [], false)
    await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${jobId}/cancel`, headers: AUTH })
    const job = await stack.waitJob(jobId, 60_000)
    const cmp = (await get(`/v1/evaluations/compare?ids=${a},${id}`)).json()
    const scored = (await get(`/v1/evaluations/${id}`)).json().counts.total
    assert.equal(cmp.partial, job.status !== 'succeeded' || scored < 714)
    assert.equal(cmp.compared, scored)
    assert.equal(cmp.evaluations[1].scored, scored)
    assert.equal(cmp.evaluations[1].status, job.status)
    assert.equal(cmp.pairs[0].buckets.total.n, scored)
  })

  test('bad requests are 400/404 problems naming the fault', async () => {
    problem(await get(`/v1/evaluations/compare?ids=${a}`), 400, /2 to 8 evaluations.*got 1/)
    problem(await get(`/v1/evaluations/compare?ids=${Array(9).fill(a).join(',')}`), 400, /2 to 8 evaluations.*got 9/)
    problem(await get(`/v1/evaluations/compare?ids=${a},ev_nope`), 404, /evaluation ev_nope not found/)
    problem(await get('/v1/evaluations/compare'), 400, /ids/)
    problem(await get(`/v1/evaluations/compare?ids=${a},${b}&resamples=5`), 400, /resamples/)
    problem(await get(`/v1/evaluations/compare/flips?a=${a}&b=ev_nope`), 404, /ev_nope/)
    // A 10-question limit of the same file is other questions; so is another source's file.
    const short = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source: 'dev', limit: 10, predictions: Object.fromEntries(questions.slice(0, 10).map((q, i) => [String(i), `SELECT 1${SEP}${q.db_id}`])) } })
    assert.equal(short.statusCode, 202, short.body)
    problem(await get(`/v1/evaluations/compare?ids=${a},${short.json().id}`), 400, new RegExp(`${short.json().id} evaluates 10 questions, ${a} 714`))
    const train = JSON.parse(readFileSync(join(data!, 'bird-sample', 'train.json'), 'utf8')) as Q[]
    await stack.registerSource('train', 'bird-sample/train.json', 'bird-sample/train_databases')
    const other = await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', headers: AUTH, payload: { source: 'train', limit: 1, predictions: { 0: `SELECT 1${SEP}${train[0].db_id}` } } })
    assert.equal(other.statusCode, 202, other.body)
    problem(await get(`/v1/evaluations/compare?ids=${a},${other.json().id}`), 400, new RegExp(`${other.json().id} evaluates the questions of source "train", ${a} those of source "dev"`))
  })
})
