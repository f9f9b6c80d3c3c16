import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Type } from 'typebox'
import { compileSchema } from '@t2s/core/contracts/validate'
import { buildDemo } from '../../scripts/build-demo.js'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import { build } from './helper.js'

interface Operation { method: string, path: string, example: unknown, schema: object }

/** Every JSON request body of the OpenAPI document with its example (undefined when it has none). */
async function bodyExamples (t: Parameters<typeof build>[0]): Promise<Operation[]> {
  const app = await build(t)
  const paths = app.swagger().paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: object, example?: unknown }> } }>>
  const out: Operation[] = []
  for (const [path, methods] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const media = op.requestBody?.content['application/json']
      if (media) out.push({ method: method.toUpperCase(), path, example: media.example, schema: media.schema })
    }
  }
  return out
}

test('every request body in the OpenAPI document has an example, and each is valid against its schema', async (t) => {
  const ops = await bodyExamples(t)
  assert.deepEqual(ops.map((o) => `${o.method} ${o.path}`).sort(), [
    'PATCH /v1/model-servers/{name}', 'POST /v1/datasets', 'POST /v1/evaluations', 'POST /v1/model-servers', 'POST /v1/rewards',
    'POST /v1/sources', 'POST /v1/sources/download', 'POST /v1/sql/execute', 'POST /v1/sql/generate', 'POST /v1/training-jobs'
  ])
  for (const op of ops) {
    assert.notEqual(op.example, undefined, `${op.method} ${op.path} has no example`)
    // The services' validator (core AJV_OPTIONS): the example is what a client would send.
    assert.doesNotThrow(() => compileSchema(Type.Unsafe(op.schema))(structuredClone(op.example)), `${op.method} ${op.path}`)
  }
})

describe('the POST examples, sent as they are to the demo stack', { timeout: 240_000 }, () => {
  let stack: Stack
  let ops: Operation[]
  const send = async (path: string) => {
    const op = ops.find((o) => o.path === path)!
    return await stack.gateway.inject({ method: 'POST', url: path, headers: AUTH, payload: op.example as object })
  }

  before(async () => {
    stack = await startStack(['dataset', 'evaluator'])
    buildDemo(join(stack.dataDir, 'demo'))
  })
  after(async () => { await stack?.stop() })

  test('sources, sql/execute, datasets and evaluations do what the walk-through says', async (t) => {
    ops = await bodyExamples(t)
    const source = await send('/v1/sources')
    assert.equal(source.statusCode, 201, source.body)
    assert.equal(source.json().question_count, 40)

    const sql = await send('/v1/sql/execute')
    assert.equal(sql.statusCode, 200, sql.body)
    assert.deepEqual({ ...sql.json<object>(), elapsed_ms: 0 }, { status: 'ok', columns: ['count(*)'], rows: [[340]], truncated: false, elapsed_ms: 0 })

    const dataset = await send('/v1/datasets')
    assert.equal(dataset.statusCode, 202, dataset.body)
    const built = await stack.waitJob(dataset.json().job_id, 120_000)
    assert.equal(built.status, 'succeeded', built.error)
    assert.deepEqual(built.result, { dataset_id: dataset.json().id, train: 28, test: 12, dropped: 0 })

    const evaluation = await send('/v1/evaluations')
    assert.equal(evaluation.statusCode, 202, evaluation.body)
    const scored = await stack.waitJob(evaluation.json().job_id, 120_000)
    assert.equal(scored.status, 'succeeded', scored.error)
    const report = (await stack.gateway.inject({ url: `/v1/evaluations/${evaluation.json().id}`, headers: AUTH })).json()
    assert.equal(report.ex.total, 100)
  })

  test('the examples that need a model, a trainer or the network are accepted as requests: the answer is about what is missing', async () => {
    const generate = await send('/v1/sql/generate')
    assert.equal(generate.statusCode, 503, generate.body)
    assert.match(generate.json().detail, /STUDENT_BASE_URL/)

    const training = await send('/v1/training-jobs')
    assert.equal(training.statusCode, 503, training.body)

    // The download is a job: it is queued, then cancelled here (this machine may have no internet).
    const download = await send('/v1/sources/download')
    assert.equal(download.statusCode, 202, download.body)
    const cancelled = await stack.gateway.inject({ method: 'POST', url: `/v1/jobs/${download.json().job_id}/cancel`, headers: AUTH })
    assert.equal(cancelled.statusCode, 200)
  })
})
