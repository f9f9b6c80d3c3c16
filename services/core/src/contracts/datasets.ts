import { Type, type Static } from 'typebox'
import { JobStatusSchema } from './common.js'
import { ServerNameSchema } from './model-servers.js'
import { TEXT_LIMITS } from './limits.js'

/**
 * Datasets are built by two services: `sft` by dataset (ids `ds_…`), `cot` by reasoning
 * (ids `cot_…`). Both answer the same verbs with the same shapes, and the gateway routes
 * by kind on create and by id prefix afterwards.
 */
export const DATASET_VERBS = { create: 'create_dataset', get: 'get_dataset', list: 'list_datasets', file: 'dataset_file', delete: 'delete_dataset' } as const
export const datasetServiceFor = (idOrKind: string): 'dataset' | 'reasoning' =>
  idOrKind === 'cot' || idOrKind.startsWith('cot_') ? 'reasoning' : 'dataset'

export const PromptSpecSchema = Type.Object({
  preset: Type.Literal('cookbook', { default: 'cookbook' }),
  options: Type.Object({
    sample_rows: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'Rows per table shown under its CREATE TABLE (recipe format); 0 = off' })),
    column_descriptions: Type.Optional(Type.Boolean({ description: 'Add column meanings from database_description/*.csv' })),
    token_budget: Type.Optional(Type.Integer({ minimum: 256, maximum: 131072, description: 'Report examples longer than this many Llama 3 tokens (never cut silently)' }))
  }, { additionalProperties: false, default: {} })
}, { additionalProperties: false, default: { preset: 'cookbook', options: {} } })
export type PromptSpec = Static<typeof PromptSpecSchema>

export const SftDatasetBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, description: 'Source id or name' }),
  kind: Type.Literal('sft'),
  test_size: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.3, description: 'Share of examples in the test split: test = ceil(n × test_size)' }),
  seed: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, default: 42 }),
  prompt: PromptSpecSchema,
  gold_check: Type.Union([Type.Literal('drop'), Type.Literal('keep')], { default: 'drop', description: 'drop: run every gold SQL in the sandbox first and leave out the ones that fail or time out' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Use only the first n questions' }))
}, { additionalProperties: false })
export type SftDatasetBody = Static<typeof SftDatasetBodySchema>

export const CotDatasetBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, description: 'Source id or name' }),
  kind: Type.Literal('cot'),
  teacher: Type.Object({
    server: Type.Optional(Type.Unsafe<string>({ ...ServerNameSchema, description: 'The model server asked (GET /v1/model-servers): default `teacher` (TEACHER_BASE_URL)' })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, description: "Served model name; default the server's default model (TEACHER_MODEL for the teacher)" })),
    temperature: Type.Number({ minimum: 0, maximum: 2, default: 0 }),
    max_tokens: Type.Optional(Type.Integer({ minimum: 1, maximum: 32768 }))
  }, { additionalProperties: false, default: { temperature: 0 } }),
  validation: Type.Union([Type.Literal('execution'), Type.Literal('exact'), Type.Literal('none')], { default: 'execution', description: "execution: the answer's SQL must return the gold's result set; exact: the recipe's string rule; none: keep every fenced answer" }),
  attempts: Type.Integer({ minimum: 1, maximum: 5, default: 1, description: 'Asks for a rejected item again (temperature 0.7) up to this many times in all' }),
  concurrency: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
  test_size: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.3 }),
  seed: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, default: 42 }),
  limit: Type.Optional(Type.Integer({ minimum: 1 })),
  layout: Type.Union([Type.Literal('cookbook'), Type.Literal('unified')], { default: 'cookbook', description: 'cookbook: the recipe CoT layout; unified: the SFT/evaluation user layout' })
}, { additionalProperties: false })
export type CotDatasetBody = Static<typeof CotDatasetBodySchema>

// A discriminated oneOf: the validator picks the branch by `kind`, so each branch's
// defaults apply and one branch never strips the other's fields.
export const CreateDatasetBodySchema = Type.Unsafe<SftDatasetBody | CotDatasetBody>({
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [SftDatasetBodySchema, CotDatasetBodySchema]
})

const SplitStats = Type.Object({
  examples: Type.Integer(),
  tokens_mean: Type.Number(),
  tokens_p50: Type.Integer(),
  tokens_p95: Type.Integer(),
  tokens_max: Type.Integer(),
  over_4096: Type.Integer({ description: 'Examples longer than 4,096 Llama 3 tokens (the recipe trains at 4,096)' }),
  histogram: Type.Optional(Type.Object({
    bin_width: Type.Integer({ description: 'Tokens per bin (128)' }),
    counts: Type.Array(Type.Integer(), { description: 'counts[i]: examples of length in [i × bin_width, (i + 1) × bin_width)' })
  }, { additionalProperties: false, description: 'Token-length histogram (datasets built before it was added have none)' }))
}, { additionalProperties: false })

export const DatasetSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('sft'), Type.Literal('cot')]),
  status: JobStatusSchema,
  job_id: Type.String(),
  source: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'The request, with defaults filled in' }),
  prompt: Type.Object({ preset: Type.String(), version: Type.String(), options: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }),
  counts: Type.Union([Type.Object({
    questions: Type.Integer(),
    kept: Type.Integer(),
    dropped: Type.Integer(),
    train: Type.Integer(),
    test: Type.Integer()
  }, { additionalProperties: false }), Type.Null()]),
  dropped: Type.Array(Type.Object({
    index: Type.Integer(),
    question_id: Type.Union([Type.Integer(), Type.Null()]),
    db_id: Type.String(),
    reason: Type.String(),
    detail: Type.Optional(Type.String())
  }, { additionalProperties: false }), { description: 'Questions left out, with the reason' }),
  token_stats: Type.Union([Type.Object({ train: SplitStats, test: SplitStats, budget: Type.Optional(Type.Integer()), over_budget: Type.Optional(Type.Integer()) }, { additionalProperties: false }), Type.Null()]),
  stats: Type.Record(Type.String(), Type.Unknown(), { description: 'Kind-specific counters (sft: gold_check {executed, cached} and over-budget examples; cot: teacher calls, tokens, cache hits, dropped by reason)' }),
  files: Type.Record(Type.String(), Type.Object({ lines: Type.Integer(), bytes: Type.Integer(), sha256: Type.String() }, { additionalProperties: false })),
  manifest: Type.Record(Type.String(), Type.Unknown(), { description: 'What produced it: source digest, options, prompt and code version' }),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  finished_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { $id: 'Dataset', additionalProperties: false })
export type Dataset = Static<typeof DatasetSchema>

export const DatasetListSchema = Type.Object({ items: Type.Array(Type.Unsafe<Dataset>({ $ref: 'Dataset#' })), total: Type.Integer() }, { additionalProperties: false })

/** Reply of `dataset_file`: where the gateway streams a split from, relative to DATA_DIR. */
export interface DatasetFile { path: string, bytes: number }
