import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { EVALUATION_VERBS, GenerateSqlBodySchema, GenerateSqlResultSchema } from '@t2s/core/contracts'
import { ok, problems, withExamples } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

/** Route module shape: see routes/sql.ts. */
const sqlGenerateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/v1/sql/generate', {
    schema: {
      tags: ['sql'],
      summary: 'Ask a student model one question with the evaluation prompt, and run the SQL it answers',
      description: 'The quickest way to try a model: the answer text, the SQL extracted from it and its result (first 100 rows) from the sandbox.',
      body: withExamples(GenerateSqlBodySchema, { source: 'demo', db_id: 'library', question: 'How many books in the catalogue are mysteries?', evidence: "mysteries refers to genre = 'Mystery'", model: 'demo-sft', system_prompt: 'reasoning' }),
      response: { 200: ok('The answer and its result', GenerateSqlResultSchema, examples.sqlGenerate), ...problems(400, 503, 504) }
    }
  }, async (request) => await app.bus.call('evaluator', EVALUATION_VERBS.generate, request.body, 180_000))
}

export default fp(sqlGenerateRoutes, { name: 'routes/sql-generate', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
