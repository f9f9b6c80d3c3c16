import type { FastifyInstance } from 'fastify'
import { EVALUATION_VERBS, ModelsSchema } from '@t2s/core/contracts/evaluations'
import type { Bus } from '../lib/bus.js'
import { ok, problems } from '../lib/schemas.js'

export function modelRoutes (app: FastifyInstance, bus: Bus): void {
  app.get('/v1/models', {
    schema: {
      tags: ['models'],
      summary: 'What the teacher and student servers serve: base models and loaded LoRA adapters',
      description: 'An unset or unreachable server is reported (configured / available / error), not an error of this route.',
      response: { 200: ok('Models per server', ModelsSchema), ...problems(503) }
    }
  }, async () => await bus.call('evaluator', EVALUATION_VERBS.models, {}, 15_000))
}
