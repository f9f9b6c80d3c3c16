import fp from 'fastify-plugin'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { MAX_REWARD_ITEMS, REWARD_VERBS, RewardRequestSchema, RewardResponseSchema } from '@t2s/core/contracts'
import { ok, problems, withExamples } from '../lib/schemas.js'
import examples from '../examples.json' with { type: 'json' }

// A batch may hold slow queries: each item has its own time limit, the batch shares the sandbox.
const REWARD_CALL_MS = 300_000

const rewardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const bus = app.bus
  app.post('/v1/rewards', {
    schema: {
      tags: ['rewards'],
      summary: 'Score a batch of answers as rewards for reinforcement learning (GRPO), synchronously',
      description: `Up to ${MAX_REWARD_ITEMS} items, each a question_id of the source and either the model's whole \`completion\` (its SQL is extracted as evaluations do) or the \`sql\` itself. ` +
        'Every item is scored by the evaluator exactly as an evaluation scores it (sandbox, official EX, Soft-F1, gold cache). ' +
        'reward = correct (EX = 1) | executable (runs, other result) | error (anything else), plus format when the completion put its SQL in a closed ```sql fence; ' +
        "defaults are Arctic-Text2SQL-R1's 1 / 0.1 / 0 and no format term. An item whose gold SQL fails has reward null.",
      // The first two demo questions: one as SQL (the gold, reward 1), one as a fenced completion.
      body: withExamples(RewardRequestSchema, { source: 'demo', items: [{ question_id: 0, sql: "SELECT COUNT(book_id) FROM books WHERE genre = 'Mystery'" }, { question_id: 1, completion: '```sql\nSELECT title FROM books WHERE pages > 650\n```' }] }),
      response: { 200: ok('One scored item per request item, in order', RewardResponseSchema, examples.rewards), ...problems(400, 409, 413, 503, 504) }
    }
  }, async (request) => await bus.call('evaluator', REWARD_VERBS.score, request.body, REWARD_CALL_MS))
}

export default fp(rewardRoutes, { name: 'routes/rewards', dependencies: ['bus', 'auth', 'errors'], encapsulate: true })
