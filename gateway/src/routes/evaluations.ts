import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  AcceptedSchema, type Accepted, CreateEvaluationBodySchema, EVALUATION_VERBS, EvaluationListQuerySchema,
  EvaluationListSchema, ItemPageSchema, ItemsQuerySchema, type EvaluationItem, type ItemChunk
} from '@t2s/core/contracts'
import { UploadEvaluationBodySchema, uploadedBody } from '../lib/predictions-upload.js'
import { ok, problems, withExamples, ResourceIdParams } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const EvaluationRef = Type.Unsafe({ $ref: 'Evaluation#' })
const Predictions = Type.Record(Type.String(), Type.String(), { description: 'The official BIRD predictions object: "position": "SQL\\t----- bird -----\\tdb_id"' })

/** Route module shape: see routes/sql.ts. */
const evaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/evaluations', {
    schema: {
      tags: ['evaluations'],
      summary: 'Score a predictions file, or ask a served model every question, with the official BIRD execution accuracy',
      description: 'Send `source` and either `predictions` (the official `{"0": "SQL\\t----- bird -----\\tdb_id"}` object, paired with the questions by position, or `[{question_id, sql}]`) or `model` (a model or LoRA adapter of the student server). Or upload the official predict_dev.json as it is: multipart/form-data with the file as `predictions` and the other fields beside it. Answers 202; follow the job, then read the report.',
      // Scores the first two demo questions with their gold SQL (EX 100); `model` instead of `predictions` asks a served model.
      body: { content: { 'application/json': { schema: withExamples(CreateEvaluationBodySchema, { source: 'demo', limit: 2, predictions: { 0: "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'\t----- bird -----\tlibrary", 1: 'SELECT title FROM books WHERE pages > 650\t----- bird -----\tlibrary' } }) }, 'multipart/form-data': { schema: UploadEvaluationBodySchema } } },
      response: { 202: ok('Accepted: the evaluation and the job scoring it', AcceptedSchema, examples.evaluationAccepted), ...problems(400, 409, 413, 503) }
    }
  }, async (request, reply) => {
    const body = request.isMultipart() ? uploadedBody(request.body as Record<string, unknown>, app.bus.maxPayload - 64 * 1024) : request.body
    return reply.code(202).send(await app.bus.call<Accepted>('evaluator', EVALUATION_VERBS.create, body, 30_000))
  })

  app.get('/v1/evaluations', {
    schema: { tags: ['evaluations'], summary: 'Evaluations, newest first', querystring: EvaluationListQuerySchema, response: { 200: ok('Evaluations', EvaluationListSchema, examples.evaluationList), ...problems(400) } }
  }, async (request) => await app.bus.call('evaluator', EVALUATION_VERBS.list, request.query))

  app.get('/v1/evaluations/:id', {
    schema: {
      tags: ['evaluations'],
      summary: 'The report: EX and Soft-F1 by difficulty (0-100), counts, item statuses, gold cache hits, timing, manifest',
      params: ResourceIdParams.evaluation,
      response: { 200: ok('The evaluation (scored so far, while it runs)', EvaluationRef, examples.evaluation), ...problems(404) }
    }
  }, async (request) => await app.bus.call('evaluator', EVALUATION_VERBS.get, request.params))

  app.get('/v1/evaluations/:id/items', {
    schema: {
      tags: ['evaluations'],
      summary: 'Scored questions in file order, optionally of one status',
      params: ResourceIdParams.evaluation,
      querystring: ItemsQuerySchema,
      response: { 200: ok('A page of items', ItemPageSchema, examples.itemPage), ...problems(400, 404) }
    }
  }, async (request) => {
    const { id } = request.params
    const q = request.query
    // The service answers in pieces that fit one NATS message; a page may take several.
    const items: EvaluationItem[] = []
    let offset: number | null = q.offset
    let total = 0
    while (offset !== null && items.length < q.limit) {
      const chunk: ItemChunk<EvaluationItem> = await app.bus.call('evaluator', EVALUATION_VERBS.items, { id, offset, limit: q.limit - items.length, status: q.status })
      items.push(...chunk.items)
      total = chunk.total
      offset = chunk.items.length === 0 ? null : chunk.next_offset
    }
    return { items, total }
  })

  app.get('/v1/evaluations/:id/predictions', {
    schema: {
      tags: ['evaluations'],
      summary: 'The predictions in the official BIRD format: run the official scorer on this file unchanged',
      params: ResourceIdParams.evaluation,
      response: { 200: ok('{"0": "SQL\\t----- bird -----\\tdb_id", …}', Predictions, examples.predictions), ...problems(404, 409) }
    }
  }, async (request, reply) => {
    const { id } = request.params
    const out: Record<string, string> = {}
    let offset: number | null = 0
    while (offset !== null) {
      const chunk: ItemChunk<[number, string]> = await app.bus.call('evaluator', EVALUATION_VERBS.predictions, { id, offset })
      for (const [index, entry] of chunk.items) out[String(index)] = entry
      offset = chunk.items.length === 0 ? null : chunk.next_offset
    }
    return reply.header('content-disposition', `attachment; filename="predict_${id}.json"`).send(out)
  })
}

export default fp(evaluationRoutes, { name: 'routes/evaluations', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
