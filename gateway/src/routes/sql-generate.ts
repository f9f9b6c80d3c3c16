import type { FastifyInstance } from 'fastify'
import { EVALUATION_VERBS, GenerateSqlBodySchema, GenerateSqlResultSchema } from '@t2s/core/contracts/evaluations'
import type { Bus } from '../lib/bus.js'
import { ok, problems } from '../lib/schemas.js'

export function sqlGenerateRoutes (app: FastifyInstance, bus: Bus): void {
  app.post('/v1/sql/generate', {
    schema: {
      tags: ['sql'],
      summary: 'Ask a student model one question with the evaluation prompt, and run the SQL it answers',
      description: 'The quickest way to try a model: the answer text, the SQL extracted from it and its result (first 100 rows) from the sandbox.',
      body: GenerateSqlBodySchema,
      response: { 200: ok('The answer and its result', GenerateSqlResultSchema), ...problems(400, 503, 504) }
    }
  }, async (request) => await bus.call('evaluator', EVALUATION_VERBS.generate, request.body, 180_000))
}
