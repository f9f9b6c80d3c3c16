import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { EVALUATION_VERBS, ModelsSchema } from '@t2s/core/contracts'
import { ok, problems } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

/** Route module shape: see routes/sql.ts. */
const modelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/v1/models', {
    schema: {
      tags: ['models'],
      summary: 'What the teacher and student servers serve: base models and loaded LoRA adapters',
      description: 'An unset or unreachable server is reported (configured / available / error), not an error of this route.',
      response: { 200: ok('Models per server', ModelsSchema, examples.models), ...problems(503) }
    }
  }, async () => await app.bus.call('evaluator', EVALUATION_VERBS.models, {}, 15_000))
}

export default fp(modelRoutes, { name: 'routes/models', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
