import assert from 'node:assert/strict'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Type } from 'typebox'
import { compileSchema } from '@t2s/core/contracts'
import { buildDemo } from '../../scripts/build-demo.js'
import { AUTH, startStack, type Stack } from '../../test/helpers/stack.js'
import examples from '../src/examples.json' with { type: 'json' }
import { build } from './helper.js'

interface Operation { method: string, path: string, example: unknown, schema: object }
interface Media { schema: object, example?: unknown }
interface Parameter { in: string, name: string, schema: object, example?: unknown }
interface OpenApiOperation { requestBody?: { content: Record<string, Media> }, responses: Record<string, { content?: Record<string, Media> }>, parameters?: Parameter[] }
interface OpenApiDocument { paths: Record<string, Record<string, OpenApiOperation>>, components: object }

const operations = (doc: OpenApiDocument) => Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op })))

/** Every JSON request body of the OpenAPI document with its example (undefined when it has none). */
async function bodyExamples (t: Parameters<typeof build>[0]): Promise<Operation[]> {
  const app = await build(t)
  return operations(app.swagger() as unknown as OpenApiDocument).flatMap(({ method, path, op }) => {
    const media = op.requestBody?.content['application/json']
    return media ? [{ method, path, example: media.example, schema: media.schema }] : []
  })
}

/** Validates with the services' validator (core AJV_OPTIONS), the document's components in reach of its $refs. */
function assertValid (doc: OpenApiDocument, schema: object, example: unknown, what: string): void {
  const check = compileSchema(Type.Unsafe({ components: doc.components, allOf: [schema] }))
  assert.doesNotThrow(() => check(structuredClone(example)), what)
}

test('every request body in the OpenAPI document has an example, and each is valid against its schema', async (t) => {
  const app = await build(t)
  const doc = app.swagger() as unknown as OpenApiDocument
  const ops = await bodyExamples(t)
  assert.deepEqual(ops.map((o) => `${o.method} ${o.path}`).sort(), [
    'PATCH /v1/model-servers/{name}', 'POST /v1/datasets', 'POST /v1/evaluations', 'POST /v1/model-servers', 'POST /v1/rewards',
    'POST /v1/sources', 'POST /v1/sources/download', 'POST /v1/sql/execute', 'POST /v1/sql/generate', 'POST /v1/training-jobs'
  ])
  for (const op of ops) {
    assert.notEqual(op.example, undefined, `${op.method} ${op.path} has no example`)
    assertValid(doc, op.schema, op.example, `${op.method} ${op.path}`)
  }
})

test('every path parameter has an example (an id of the demo stack), valid against its schema', async (t) => {
  const app = await build(t)
  const doc = app.swagger() as unknown as OpenApiDocument
  const params = operations(doc).flatMap(({ name, op }) => (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ what: `${name} {${p.name}}`, ...p })))
  assert.equal(params.length, 23)
  for (const p of params) {
    assert.notEqual(p.example, undefined, `${p.what} has no example`)
    assertValid(doc, p.schema, p.example, p.what)
  }
  const job = params.find((p) => p.what === 'GET /v1/jobs/{id} {id}')
  assert.equal(job?.example, examples.job.id)
})

test('every success answer with a body has an example: JSON ones valid against their schema, streams and files in their format', async (t) => {
  const app = await build(t)
  const doc = app.swagger() as unknown as OpenApiDocument
  const withoutBody: string[] = []
  let checked = 0
  for (const { name, op } of operations(doc)) {
    const answers = Object.entries(op.responses).filter(([status, r]) => /^2/.test(status) && r.content)
    if (answers.length === 0) withoutBody.push(name)
    for (const [status, response] of answers) {
      for (const [type, media] of Object.entries(response.content!)) {
        const what = `${name} ${status} ${type}`
        assert.notEqual(media.example, undefined, `${what} has no example (gateway/src/examples.json)`)
        checked++
        if (type === 'application/json') assertValid(doc, media.schema, media.example, what)
        else if (type === 'application/x-ndjson') for (const line of String(media.example).trimEnd().split('\n')) JSON.parse(line)
        else if (type === 'text/event-stream') assert.match(String(media.example), /^(: [^\n]*\n\n)?(id: \d+\nevent: \w+\ndata: \{.*\}\n\n)+$/, what)
        else if (type === 'image/svg+xml') assert.match(String(media.example), /^<svg [^]*<\/svg>\n$/, what)
        else assert.fail(`${what}: no check for this media type`)
      }
    }
  }
  assert.equal(checked, 36)
  // DELETE answers 204 without a body; every other operation shows what it answers.
  assert.deepEqual(withoutBody.sort(), [
    'DELETE /v1/datasets/{id}', 'DELETE /v1/evaluations/{id}', 'DELETE /v1/jobs/{id}', 'DELETE /v1/model-servers/{name}',
    'DELETE /v1/sources/{id}', 'DELETE /v1/training-jobs/{id}'
  ])
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
