import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { SCHEMA_VERBS, SchemaParamsSchema, SchemaQuerySchema } from '@t2s/core/contracts'
import { ok, problems } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

// Core's parameters, with the demo stack's source and database as examples Swagger UI pre-fills
const Params = Type.Object({
  id: Type.String({ ...SchemaParamsSchema.properties.id, examples: [examples.source.id] }),
  db_id: Type.String({ ...SchemaParamsSchema.properties.db_id, examples: [examples.databaseSchema.db_id] })
}, { additionalProperties: false })

const schemaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  app.get('/v1/sources/:id/databases/:db_id/schema', {
    schema: {
      tags: ['sources'],
      summary: "A database's schema as the prompt builder renders it: the CREATE TABLE texts and, when asked, column descriptions and sample rows",
      params: Params,
      querystring: SchemaQuerySchema,
      response: { 200: ok('The schema text of the prompt', Type.Unsafe({ $ref: 'DatabaseSchema#' }), examples.databaseSchema), ...problems(400, 404) }
    }
  }, async (request) => await bus.call('dataset', SCHEMA_VERBS.get, { ...request.params, ...request.query }, 30_000))
}

export default fp(schemaRoutes, { name: 'routes/schema', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
