import { Type, type Static } from 'typebox'
import { EvaluationOptionsSchema, ItemStatusSchema } from './evaluations.js'

/**
 * Rewards for reinforcement learning (GRPO and the like), scored by the evaluator with the
 * code that scores evaluations: the same SQL extraction, sandbox, comparison and gold cache.
 */
export const REWARD_VERBS = { score: 'score_rewards' } as const

/** Largest batch one request may score; a trainer sends prompts × group size at most. */
export const MAX_REWARD_ITEMS = 512
/** A completion longer than this is refused (a runaway generation is no answer to score). */
export const MAX_COMPLETION_CHARS = 65_536

const Weight = (def: number, description: string) => Type.Number({ minimum: -100, maximum: 100, default: def, description })

export const RewardWeightsSchema = Type.Object({
  correct: Weight(1, 'Reward of SQL whose result equals the gold result (EX = 1)'),
  executable: Weight(0.1, 'Reward of SQL that runs but returns another result'),
  error: Weight(0, 'Reward of anything else: no SQL found, an error, a timeout, a rejected statement'),
  format: Weight(0, "Added when a completion's SQL stands in a closed ```sql fence (the answer format the prompts ask for); never for items sent as sql")
}, { additionalProperties: false, default: {}, description: "Arctic-Text2SQL-R1's defaults: 1 / 0.1 / 0, no format term" })
export type RewardWeights = Static<typeof RewardWeightsSchema>

export const RewardItemInputSchema = Type.Object({
  question_id: Type.Integer({ minimum: 0, description: "The question's question_id in the source (its position where the file has none)" }),
  completion: Type.Optional(Type.String({ maxLength: MAX_COMPLETION_CHARS, description: "The model's whole answer; its SQL is extracted as evaluations do" })),
  sql: Type.Optional(Type.String({ maxLength: 100_000, description: 'The SQL itself, scored as sent' }))
}, { additionalProperties: false })

export const RewardRequestSchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 128, description: 'Source id or name whose questions carry the gold SQL', examples: ['bird-sample-dev'] }),
  items: Type.Array(RewardItemInputSchema, { minItems: 1, maxItems: MAX_REWARD_ITEMS, description: 'Each with exactly one of completion or sql' }),
  reward: RewardWeightsSchema,
  extraction: EvaluationOptionsSchema.extraction,
  timeout_s: Type.Number({ exclusiveMinimum: 0, maximum: 60, default: 30, description: 'Limit for prediction and gold together, per item, as evaluations' })
}, { additionalProperties: false })
export type RewardRequest = Static<typeof RewardRequestSchema>

export const RewardItemSchema = Type.Object({
  question_id: Type.Integer(),
  sql: Type.Union([Type.String(), Type.Null()], { description: 'The SQL scored (extracted from the completion), null when none was found' }),
  extraction: Type.String({ description: 'How the SQL was found: fence, unterminated_fence, bare, whole_text, none; sql for items sent as SQL' }),
  status: ItemStatusSchema,
  ex: Type.Integer({ minimum: 0, maximum: 1, description: 'Execution accuracy of this item' }),
  soft_f1: Type.Number({ description: "Mini-Dev's Soft-F1 of this item, 0-1" }),
  format_ok: Type.Boolean({ description: 'Whether the format term applied' }),
  reward: Type.Union([Type.Number(), Type.Null()], { description: 'null when the gold SQL itself fails or times out: such an item says nothing about the answer' }),
  error: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })
export type RewardItem = Static<typeof RewardItemSchema>

export const RewardResponseSchema = Type.Object({
  items: Type.Array(RewardItemSchema, { description: 'In request order' }),
  reward: Type.Object({ correct: Type.Number(), executable: Type.Number(), error: Type.Number(), format: Type.Number() }, { additionalProperties: false, description: 'The weights used, defaults filled in' }),
  mean_reward: Type.Union([Type.Number(), Type.Null()], { description: 'Over items with a reward' }),
  ex: Type.Number({ description: 'Share of items with EX = 1, 0-1' }),
  gold_cache_hits: Type.Integer(),
  elapsed_ms: Type.Number()
}, { additionalProperties: false })
export type RewardResponse = Static<typeof RewardResponseSchema>
