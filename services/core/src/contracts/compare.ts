import { Type, type Static } from 'typebox'
import { JobStatusSchema } from './common.js'
import { DifficultySchema } from './sources.js'
import { ItemStatusSchema } from './evaluations.js'

/** The evaluator's comparison verbs (GET /v1/evaluations/compare and …/compare/flips). */
export const COMPARE_VERBS = { compare: 'compare_evaluations', flips: 'comparison_flips' } as const

export const CompareQuerySchema = Type.Object({
  ids: Type.String({ minLength: 1, maxLength: 1000, description: '2 to 8 evaluation ids, comma-separated, of the same questions', examples: ['ev_a,ev_b'] }),
  resamples: Type.Integer({ minimum: 100, maximum: 10_000, default: 2000, description: 'Bootstrap resamples' }),
  seed: Type.Integer({ minimum: 0, maximum: 4294967295, default: 2026, description: 'Seed of the bootstrap draws (mulberry32): the same seed gives the same intervals' })
}, { additionalProperties: false })
export type CompareQuery = Static<typeof CompareQuerySchema>

const estimate = (description?: string) => Type.Object({
  value: Type.Union([Type.Number(), Type.Null()], { description: 'Point estimate in percent (null: no question in this bucket)' }),
  low: Type.Union([Type.Number(), Type.Null()], { description: 'Lower end of the 95 % interval' }),
  high: Type.Union([Type.Number(), Type.Null()], { description: 'Upper end of the 95 % interval' })
}, { additionalProperties: false, description })

const RunBucket = Type.Object({
  n: Type.Integer({ description: 'Questions compared in this bucket' }),
  correct: Type.Integer(),
  ex: estimate('EX with its Wilson interval'),
  soft_f1: estimate('Soft-F1 with its percentile-bootstrap interval')
}, { additionalProperties: false })

const PairBucket = Type.Object({
  n: Type.Integer(),
  both_right: Type.Integer(),
  both_wrong: Type.Integer(),
  right_to_wrong: Type.Integer({ description: 'Correct in a, wrong in b' }),
  wrong_to_right: Type.Integer({ description: 'Wrong in a, correct in b' }),
  ex_diff: estimate('EX of b minus EX of a, in points, with its paired-bootstrap interval'),
  soft_f1_diff: estimate('Soft-F1 of b minus Soft-F1 of a, in points, with its paired-bootstrap interval'),
  mcnemar_p: Type.Number({ description: 'Two-sided exact McNemar p-value on the discordant pairs (1 when there are none)' })
}, { additionalProperties: false })

const Buckets = <T extends typeof RunBucket | typeof PairBucket>(item: T) => Type.Object({
  simple: item, moderate: item, challenging: item, total: item
}, { additionalProperties: false, description: 'By difficulty; questions without one count in total only' })

export const ComparisonSchema = Type.Object({
  ids: Type.Array(Type.String()),
  source: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
  questions: Type.Integer({ description: 'Questions each evaluation covers' }),
  compared: Type.Integer({ description: 'Questions scored in every evaluation: the figures are over these' }),
  partial: Type.Boolean({ description: 'True while an evaluation is unfinished, failed or cancelled: figures cover the questions scored so far' }),
  method: Type.Object({
    confidence: Type.Number(),
    ex_interval: Type.String(),
    soft_f1_interval: Type.String(),
    difference_interval: Type.String(),
    test: Type.String(),
    resamples: Type.Integer(),
    seed: Type.Integer()
  }, { additionalProperties: false, description: 'How the intervals and the test are computed' }),
  evaluations: Type.Array(Type.Object({
    id: Type.String(),
    status: JobStatusSchema,
    model: Type.Union([Type.String(), Type.Null()]),
    scored: Type.Integer(),
    planned: Type.Integer(),
    partial: Type.Boolean(),
    buckets: Buckets(RunBucket)
  }, { additionalProperties: false })),
  pairs: Type.Array(Type.Object({
    a: Type.String(),
    b: Type.String(),
    buckets: Buckets(PairBucket)
  }, { additionalProperties: false }), { description: 'Every pair of the listed evaluations, in list order: b compared with a' })
}, { $id: 'Comparison', additionalProperties: false })
export type Comparison = Static<typeof ComparisonSchema>

export const FlipDirectionSchema = Type.Union([Type.Literal('right_to_wrong'), Type.Literal('wrong_to_right')])
export type FlipDirection = Static<typeof FlipDirectionSchema>

export const FlipsQuerySchema = Type.Object({
  a: Type.String({ minLength: 1, maxLength: 64 }),
  b: Type.String({ minLength: 1, maxLength: 64 }),
  direction: Type.Optional(FlipDirectionSchema),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 })
}, { additionalProperties: false })
export type FlipsQuery = Static<typeof FlipsQuerySchema>

const Side = Type.Object({
  status: ItemStatusSchema,
  sql: Type.Union([Type.String(), Type.Null()]),
  soft_f1: Type.Number(),
  error: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })

export const FlipSchema = Type.Object({
  index: Type.Integer({ description: 'Position in the questions file' }),
  question_id: Type.Union([Type.Integer(), Type.Null()]),
  db_id: Type.String(),
  difficulty: Type.Union([DifficultySchema, Type.Null()]),
  direction: FlipDirectionSchema,
  gold_sql: Type.String(),
  a: Side,
  b: Side
}, { additionalProperties: false })
export type Flip = Static<typeof FlipSchema>

export const FlipPageSchema = Type.Object({
  items: Type.Array(FlipSchema),
  total: Type.Integer({ description: 'Flipped questions matching the filter' })
}, { additionalProperties: false })
