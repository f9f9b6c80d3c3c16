import { Type, type Static } from 'typebox'
import { JobStatusSchema } from './common.js'
import { ServerNameSchema } from './model-servers.js'
import { TEXT_LIMITS } from './limits.js'
import { DifficultySchema } from './sources.js'

/**
 * Evaluations are run by the evaluator service (ids `ev_…`): a BIRD predictions file, or a
 * served student model asked every question, scored by execution as the official BIRD scripts do.
 */
export const EVALUATION_VERBS = {
  create: 'create_evaluation',
  get: 'get_evaluation',
  list: 'list_evaluations',
  items: 'evaluation_items',
  predictions: 'evaluation_predictions',
  generate: 'generate_sql',
  models: 'list_models',
  delete: 'delete_evaluation'
} as const

export const ItemStatusSchema = Type.Union([
  Type.Literal('correct'),
  Type.Literal('wrong_result'),
  Type.Literal('pred_error'),
  Type.Literal('pred_timeout'),
  Type.Literal('rejected'),
  Type.Literal('no_sql'),
  Type.Literal('gold_error'),
  Type.Literal('gold_timeout'),
  Type.Literal('llm_error')
], { description: 'correct; wrong_result (runs, other result set); pred_error / pred_timeout (the prediction fails or passes the time limit); rejected (not one read-only query: writes, ATTACH, PRAGMA, stacked statements); no_sql (blank, or no SQL found in the answer); gold_error / gold_timeout (the gold SQL itself fails: scored 0, as the official scorer does, but counted apart); llm_error (the student server gave no usable answer after its retries)' })
export type ItemStatus = Static<typeof ItemStatusSchema>
export const ITEM_STATUSES: readonly ItemStatus[] = ['correct', 'wrong_result', 'pred_error', 'pred_timeout', 'rejected', 'no_sql', 'gold_error', 'gold_timeout', 'llm_error']

// A string value is bounded; a non-string value stays allowed (a blank prediction).
const OfficialEntry = Type.Unsafe<unknown>({ anyOf: [{ type: 'string', maxLength: TEXT_LIMITS.sql + 512 }, { not: { type: 'string' } }] })
const OfficialPredictions = Type.Record(Type.String(), OfficialEntry, {
  description: 'The official BIRD format: keys "0".."n-1", each value "SQL\\t----- bird -----\\tdb_id"; a non-string value is a blank prediction',
  examples: [{ 0: 'SELECT count(*) FROM singer\t----- bird -----\tconcert_singer' }]
})
const ListPredictions = Type.Array(Type.Object({
  question_id: Type.Integer({ minimum: 0, description: "The question's question_id (its index where the file has none)" }),
  sql: Type.Union([Type.String({ maxLength: TEXT_LIMITS.sql }), Type.Null()])
}, { additionalProperties: false }), { maxItems: 100_000 })

export const EvaluationOptionsSchema = {
  timeout_s: Type.Number({ exclusiveMinimum: 0, maximum: 600, default: 30, description: 'Limit for prediction and gold together, per question, as the official scorer (30 s)' }),
  system_prompt: Type.Union([Type.Literal('plain'), Type.Literal('reasoning')], { default: 'plain', description: "The recipe's evaluation system prompts: plain (base models) or reasoning (fine-tunes: step-by-step reasoning, then the SQL)" }),
  extraction: Type.Union([Type.Literal('robust'), Type.Literal('cookbook')], { default: 'robust', description: "robust: the last ```sql fence (any case), an unterminated fence, or bare text starting with SELECT/WITH; cookbook: the recipe's first ```sql block, else the whole text" }),
  concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 32, description: 'Questions in flight at once' }),
  max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 32768 })),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2, description: 'Default 0, or 0.8 when samples > 1' })),
  samples: Type.Integer({ minimum: 1, maximum: 16, default: 1, description: 'Answers per question; above 1 the answer is chosen by majority vote over the execution results of the executable candidates (ties: the earliest)' }),
  request_timeout_s: Type.Number({ exclusiveMinimum: 0, maximum: 3600, default: 120, description: 'Limit per request to the student server (timed-out requests are not retried)' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Evaluate only the first n questions' }))
}

export const CreateEvaluationBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 128, description: 'Source id or name', examples: ['bird-sample-dev'] }),
  predictions: Type.Optional(Type.Union([OfficialPredictions, ListPredictions], { description: 'Score these predictions (paired with the questions by position, or by question_id in the list form)' })),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: "Ask this model or LoRA adapter every question (default: the server's default model)" })),
  server: Type.Optional(Type.Unsafe<string>({ ...ServerNameSchema, description: 'The model server to ask (GET /v1/model-servers): default `student` (STUDENT_BASE_URL); `teacher` or a registered server to evaluate another model' })),
  ...EvaluationOptionsSchema
}, { additionalProperties: false })
export type CreateEvaluationBody = Static<typeof CreateEvaluationBodySchema>

const Buckets = (description: string) => Type.Object({
  simple: Type.Number(),
  moderate: Type.Number(),
  challenging: Type.Number(),
  total: Type.Number()
}, { additionalProperties: false, description })

const StatusCounts = Type.Object(Object.fromEntries(ITEM_STATUSES.map((s) => [s, Type.Integer()])), { additionalProperties: false })

export const EvaluationSchema = Type.Object({
  id: Type.String(),
  job_id: Type.String(),
  status: JobStatusSchema,
  source: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
  model: Type.Union([Type.String(), Type.Null()], { description: 'The served model asked, or null for a predictions file' }),
  server: Type.Union([Type.String(), Type.Null()], { description: 'The model server asked (GET /v1/model-servers), or null for a predictions file' }),
  options: Type.Record(Type.String(), Type.Unknown(), { description: 'The request options, defaults filled in' }),
  ex: Buckets('Execution accuracy, 0-100, by difficulty (questions without one count in total only)'),
  soft_f1: Buckets("Mini-Dev's Soft-F1, 0-100, by difficulty"),
  counts: Type.Object({
    simple: Type.Integer(),
    moderate: Type.Integer(),
    challenging: Type.Integer(),
    unknown: Type.Integer(),
    total: Type.Integer({ description: 'Questions scored so far' }),
    planned: Type.Integer({ description: 'Questions in this evaluation' })
  }, { additionalProperties: false }),
  statuses: StatusCounts,
  gold_cache_hits: Type.Integer({ description: 'Questions whose gold result came from the cache (no gold query run)' }),
  timing: Type.Object({
    created_at: Type.String({ format: 'date-time' }),
    started_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    wall_s: Type.Union([Type.Number(), Type.Null()], { description: 'From the start of the job to its end (or to now)' }),
    questions_per_s: Type.Union([Type.Number(), Type.Null()]),
    latency_ms_p50: Type.Union([Type.Number(), Type.Null()]),
    latency_ms_p95: Type.Union([Type.Number(), Type.Null()]),
    prompt_tokens: Type.Integer(),
    completion_tokens: Type.Integer()
  }, { additionalProperties: false }),
  manifest: Type.Record(Type.String(), Type.Unknown(), { description: 'What produced it: source digest, database digests, prompt version, scorer version' }),
  error: Type.Union([Type.String(), Type.Null()])
}, { $id: 'Evaluation', additionalProperties: false })
export type Evaluation = Static<typeof EvaluationSchema>

/** Query of the evaluation list (the gateway's route and the evaluator's verb). */
export const EvaluationListQuerySchema = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 })
}, { additionalProperties: false })

export const EvaluationListSchema = Type.Object({
  items: Type.Array(Type.Unsafe<Evaluation>({ $ref: 'Evaluation#' })),
  total: Type.Integer()
}, { additionalProperties: false })

export const EvaluationItemSchema = Type.Object({
  index: Type.Integer({ description: 'Position in the questions file' }),
  question_id: Type.Union([Type.Integer(), Type.Null()]),
  db_id: Type.String(),
  difficulty: Type.Union([DifficultySchema, Type.Null()]),
  status: ItemStatusSchema,
  correct: Type.Boolean(),
  soft_f1: Type.Number({ description: 'Soft-F1 of this question, 0-1' }),
  sql: Type.Union([Type.String(), Type.Null()], { description: 'The predicted (extracted) SQL' }),
  gold_sql: Type.String(),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the prediction, the gold or the model call failed' }),
  latency_ms: Type.Number({ description: 'Time to produce and score this question' }),
  tokens: Type.Union([Type.Object({ prompt: Type.Integer(), completion: Type.Integer() }, { additionalProperties: false }), Type.Null()])
}, { additionalProperties: false })
export type EvaluationItem = Static<typeof EvaluationItemSchema>

export const ItemsQuerySchema = Type.Object({
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 5000, default: 100 }),
  status: Type.Optional(ItemStatusSchema)
}, { additionalProperties: false })

export const ItemPageSchema = Type.Object({
  items: Type.Array(EvaluationItemSchema),
  total: Type.Integer({ description: 'Items matching the filter' })
}, { additionalProperties: false })

/** Internal reply of `evaluation_items` / `evaluation_predictions`: one page, cut to fit a NATS message. */
export interface ItemChunk<T> { items: T[], total: number, next_offset: number | null }

export const GenerateSqlBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: 128, description: 'Source id or name (gives the database folder)' }),
  db_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' }),
  question: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.question }),
  evidence: Type.String({ maxLength: TEXT_LIMITS.evidence, default: '' }),
  model: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: "Model or LoRA adapter name on the server (default: the server's default model)" })),
  server: Type.Optional(Type.Unsafe<string>({ ...ServerNameSchema, description: 'The model server to ask: default `student`' })),
  system_prompt: EvaluationOptionsSchema.system_prompt,
  extraction: EvaluationOptionsSchema.extraction,
  max_tokens: EvaluationOptionsSchema.max_tokens,
  temperature: Type.Number({ minimum: 0, maximum: 2, default: 0 }),
  timeout_s: Type.Number({ exclusiveMinimum: 0, maximum: 60, default: 30, description: 'Limit for running the SQL' })
}, { additionalProperties: false })
export type GenerateSqlBody = Static<typeof GenerateSqlBodySchema>

export const GenerateSqlResultSchema = Type.Object({
  server: Type.String(),
  model: Type.String(),
  answer: Type.String({ description: "The model's whole answer" }),
  sql: Type.Union([Type.String(), Type.Null()], { description: 'The SQL extracted from it (null: none found)' }),
  extraction: Type.String({ description: 'How it was found: fence, unterminated_fence, bare, whole_text, none' }),
  result: Type.Union([Type.Object({
    status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('rejected')]),
    columns: Type.Array(Type.String()),
    rows: Type.Array(Type.Array(Type.Unknown()), { description: 'At most 100 rows; integers beyond 2^53 and blobs as strings' }),
    truncated: Type.Boolean(),
    error: Type.Union([Type.String(), Type.Null()]),
    elapsed_ms: Type.Number()
  }, { additionalProperties: false }), Type.Null()]),
  latency_ms: Type.Number(),
  tokens: Type.Union([Type.Object({ prompt: Type.Integer(), completion: Type.Integer() }, { additionalProperties: false }), Type.Null()])
}, { additionalProperties: false })
export type GenerateSqlResult = Static<typeof GenerateSqlResultSchema>

const ServerModels = Type.Object({
  configured: Type.Boolean({ description: 'Whether its base URL is set' }),
  available: Type.Boolean({ description: 'Whether it answered' }),
  default_model: Type.Union([Type.String(), Type.Null()]),
  models: Type.Array(Type.Object({
    id: Type.String(),
    parent: Type.Union([Type.String(), Type.Null()], { description: 'Base model of a LoRA adapter' }),
    max_model_len: Type.Union([Type.Integer(), Type.Null()])
  }, { additionalProperties: false })),
  error: Type.Union([Type.String(), Type.Null()])
}, { additionalProperties: false })

export const ModelsSchema = Type.Object({
  teacher: ServerModels,
  student: ServerModels,
  servers: Type.Array(Type.Object({ name: Type.String(), ...ServerModels.properties }, { additionalProperties: false }), { description: 'Every model server (the environment\'s and the registered ones), in GET /v1/model-servers order' })
}, { additionalProperties: false })
export type Models = Static<typeof ModelsSchema>
