import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  PageQuerySchema, CreateSourceBodySchema, QuestionPageSchema, SOURCE_VERBS, SourceListSchema
} from '@t2s/core/contracts'
import { ok, problems, withExamples, ResourceIdParams } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const SourceRef = Type.Unsafe({ $ref: 'Source#' })

/** Route module shape: see routes/sql.ts. */
const sourceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/sources', {
    schema: {
      tags: ['sources'],
      summary: 'Register a BIRD-layout split: a questions JSON and a folder of <db_id>/<db_id>.sqlite',
      description: 'Paths resolve inside DATA_DIR or a folder listed in T2S_SOURCE_ROOTS. Every question is checked; an error names the item and field, e.g. questions[12].db_id.',
      body: withExamples(CreateSourceBodySchema, { name: 'demo', questions: 'demo/dev.json', databases: 'demo/dev_databases' }),
      response: { 201: ok('The registered source', SourceRef, examples.source), ...problems(400, 409) }
    }
  }, async (request, reply) => reply.code(201).send(await app.bus.call('dataset', SOURCE_VERBS.create, request.body, 60_000)))

  app.get('/v1/sources', {
    schema: { tags: ['sources'], summary: 'Registered sources', response: { 200: ok('Sources', SourceListSchema, examples.sourceList) } }
  }, async () => await app.bus.call('dataset', SOURCE_VERBS.list, {}))

  app.get('/v1/sources/:id', {
    schema: { tags: ['sources'], summary: 'A source by id or name', params: ResourceIdParams.source, response: { 200: ok('The source', SourceRef, examples.source), ...problems(404) } }
  }, async (request) => await app.bus.call('dataset', SOURCE_VERBS.get, request.params))

  app.get('/v1/sources/:id/questions', {
    schema: { tags: ['sources'], summary: "A page of a source's questions in file order", params: ResourceIdParams.source, querystring: PageQuerySchema, response: { 200: ok('Questions', QuestionPageSchema, examples.questionPage), ...problems(400, 404) } }
  }, async (request) => await app.bus.call('dataset', SOURCE_VERBS.questions, { ...request.params, ...request.query }))
}

export default fp(sourceRoutes, { name: 'routes/sources', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
