import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { CompareQuerySchema, COMPARE_VERBS, FlipPageSchema, FlipsQuerySchema, type Flip, type ItemChunk } from '@t2s/core/contracts'
import { ok, problems } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

const ComparisonRef = Type.Unsafe({ $ref: 'Comparison#' })
// Bootstrapping 8 evaluations of a few thousand questions takes seconds, not milliseconds.
const COMPARE_TIMEOUT_MS = 30_000

const evaluationCompareRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  app.get('/v1/evaluations/compare', {
    schema: {
      tags: ['evaluations'],
      summary: 'Compare 2 to 8 evaluations of the same questions: EX and Soft-F1 with 95 % intervals, paired differences, McNemar p-values, flip counts',
      description: 'Computed from the committed items, over the questions every evaluation has scored (`partial` while one is unfinished, failed or cancelled). EX: Wilson interval; Soft-F1: percentile bootstrap; differences (b minus a, for every pair in list order): paired percentile bootstrap with one seeded draw sequence (mulberry32, `seed`); test: two-sided exact McNemar on the discordant pairs. Values are percent (0-100), differences in points.',
      querystring: CompareQuerySchema,
      response: { 200: ok('The comparison', ComparisonRef, examples.comparison), ...problems(400, 404) }
    }
  }, async (request) => await bus.call('evaluator', COMPARE_VERBS.compare, request.query, COMPARE_TIMEOUT_MS))

  app.get('/v1/evaluations/compare/flips', {
    schema: {
      tags: ['evaluations'],
      summary: 'The questions whose correctness differs between evaluations a and b, with both SQL texts and statuses, in file order',
      querystring: FlipsQuerySchema,
      response: { 200: ok('A page of flipped questions', FlipPageSchema, examples.flipPage), ...problems(400, 404) }
    }
  }, async (request) => {
    const q = request.query
    // The service answers in pieces that fit one NATS message; a page may take several.
    const items: Flip[] = []
    let offset: number | null = q.offset
    let total = 0
    while (offset !== null && items.length < q.limit) {
      const chunk: ItemChunk<Flip> = await bus.call('evaluator', COMPARE_VERBS.flips, { ...q, offset, limit: q.limit - items.length })
      items.push(...chunk.items)
      total = chunk.total
      offset = chunk.items.length === 0 ? null : chunk.next_offset
    }
    return { items, total }
  })
}

export default fp(evaluationCompareRoutes, { name: 'routes/evaluation-compare', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
