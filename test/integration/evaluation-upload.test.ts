import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { sharedData, SKIP_NO_DATA } from '../helpers/shared-data.js'
import { AUTH, startStack, type Stack } from '../helpers/stack.js'

const data = sharedData()
const SEP = '\t----- bird -----\t'

interface Q { db_id: string, SQL: string }

/** A multipart/form-data body as fetch would send it: the file part and plain fields. */
async function form (file: Buffer | string, fields: Record<string, string>, name = 'predict_dev.json') {
  const fd = new FormData()
  for (const [k, v] of Object.entries(fields)) fd.append(k, v)
  fd.append('predictions', new Blob([file], { type: 'application/json' }), name)
  const res = new Response(fd)
  return { payload: Buffer.from(await res.arrayBuffer()), headers: { ...AUTH, 'content-type': res.headers.get('content-type')! } }
}

describe('POST /v1/evaluations with the official predictions file uploaded as it is', { skip: data ? false : SKIP_NO_DATA, timeout: 300_000 }, () => {
  let stack: Stack
  let questions: Q[]
  const upload = async (file: Buffer | string, fields: Record<string, string>) => await stack.gateway.inject({ method: 'POST', url: '/v1/evaluations', ...(await form(file, fields)) })
  const stored = async () => (await stack.gateway.inject({ url: '/v1/evaluations?limit=100', headers: AUTH })).json().total as number
  const official = (n: number) => JSON.stringify(Object.fromEntries(questions.slice(0, n).map((q, i) => [String(i), `${i === 2 ? 'SELECT 1' : q.SQL}${SEP}${q.db_id}`])), null, 4)
  const problem = (res: { statusCode: number, headers: Record<string, unknown>, json: () => any }, status: number, detail: RegExp) => {
    assert.equal(res.statusCode, status, JSON.stringify(res.json()))
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    assert.match(res.json().detail, detail)
  }

  before(async () => {
    questions = JSON.parse(readFileSync(join(data!, 'bird-sample', 'dev.json'), 'utf8'))
    stack = await startStack(['dataset', 'evaluator'], { T2S_SOURCE_ROOTS: data! })
    await stack.registerSource('dev', 'bird-sample/dev.json', 'bird-sample/dev_databases')
  })
  after(async () => { await stack?.stop() })

  test('a file with fields beside it is scored like the same object sent as JSON', async () => {
    const res = await upload(official(30), { source: 'dev', limit: '30', timeout_s: '20' })
    assert.equal(res.statusCode, 202, res.body)
    const { id, job_id: jobId } = res.json()
    assert.equal((await stack.waitJob(jobId, 120_000)).status, 'succeeded')
    const report = (await stack.gateway.inject({ url: `/v1/evaluations/${id}`, headers: AUTH })).json()
    assert.deepEqual([report.counts.total, report.statuses.correct, report.options.limit, report.options.timeout_s], [30, 29, 30, 20])
    const items = (await stack.gateway.inject({ url: `/v1/evaluations/${id}/items?status=wrong_result`, headers: AUTH })).json()
    assert.deepEqual(items.items.map((i: any) => [i.index, i.sql]), [[2, 'SELECT 1']])
  })

  test('bad uploads are 4xx problems naming the fault, and store nothing', async () => {
    const before = await stored()
    problem(await upload('{"0": "SELECT', { source: 'dev' }), 400, /^the predictions file is not JSON/)
    problem(await upload('"SELECT 1"', { source: 'dev' }), 400, /must hold a JSON object/)
    problem(await upload(JSON.stringify({ first: `SELECT 1${SEP}x` }), { source: 'dev', limit: '1' }), 400, /predictions\["first"\]: keys must be question positions/)
    problem(await upload(official(3), { source: 'dev' }), 400, /predictions has 3 entries but 714 questions are evaluated/)
    problem(await upload(official(3), { source: 'dev', limit: '3', model: 'x' }), 400, /must not have property 'model'/)
    problem(await upload(official(3), { limit: '3' }), 400, /must have required property 'source'/)
    problem(await upload(official(3), { source: 'dev', limit: 'three' }), 400, /limit must be integer/)
    problem(await upload(official(3), { source: 'nope', limit: '3' }), 400, /source "nope" not found/)
    problem(await upload(Buffer.alloc(100 * 1024 * 1024, 0x20), { source: 'dev' }), 413, /file too large/i)
    assert.equal(await stored(), before)
  })
})
