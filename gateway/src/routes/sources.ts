import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { IdParamsSchema, PageQuerySchema } from '@t2s/core/contracts/common'
import { CreateSourceBodySchema, QuestionPageSchema, SourceListSchema } from '@t2s/core/contracts/sources'
import type { Bus } from '../lib/bus.js'
import { ok, problems } from '../lib/schemas.js'

const SourceRef = Type.Unsafe({ $ref: 'Source#' })

export function sourceRoutes (app: FastifyInstance, bus: Bus): void {
  app.post('/v1/sources', {
    schema: {
      tags: ['sources'],
      summary: 'Register a BIRD-layout split: a questions JSON and a folder of <db_id>/<db_id>.sqlite',
      description: 'Paths resolve inside DATA_DIR or a folder listed in T2S_SOURCE_ROOTS. Every question is checked; an error names the item and field, e.g. questions[12].db_id.',
      body: CreateSourceBodySchema,
      response: { 201: ok('The registered source', SourceRef), ...problems(400, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await bus.call('dataset', 'create_source', request.body, 60_000)))

  app.get('/v1/sources', {
    schema: { tags: ['sources'], summary: 'Registered sources', response: { 200: ok('Sources', SourceListSchema) } }
  }, async () => await bus.call('dataset', 'list_sources', {}))

  app.get('/v1/sources/:id', {
    schema: { tags: ['sources'], summary: 'A source by id or name', params: IdParamsSchema, response: { 200: ok('The source', SourceRef), ...problems(404) } }
  }, async (request) => await bus.call('dataset', 'get_source', request.params))

  app.get('/v1/sources/:id/questions', {
    schema: { tags: ['sources'], summary: "A page of a source's questions in file order", params: IdParamsSchema, querystring: PageQuerySchema, response: { 200: ok('Questions', QuestionPageSchema), ...problems(400, 404) } }
  }, async (request) => await bus.call('dataset', 'list_questions', { ...(request.params as object), ...(request.query as object) }))
}
