import { Type, type Static } from 'typebox'

/**
 * Model servers: OpenAI-compatible endpoints the suite may ask (vLLM, a hosted API, a second
 * vLLM). `teacher` and `student` come from the environment (TEACHER_* / STUDENT_*); others are
 * registered through the API and kept in the NATS KV bucket `t2s_model_servers`, so every
 * replica of every service sees the same list. The evaluator owns the verbs.
 */
export const MODEL_SERVER_VERBS = {
  create: 'create_model_server',
  list: 'list_model_servers',
  get: 'get_model_server',
  update: 'update_model_server',
  delete: 'delete_model_server'
} as const

/** Names of the servers configured by environment: listed, never changed through the API. */
export const ENV_SERVER_NAMES = ['teacher', 'student'] as const

export const ServerNameSchema = Type.String({
  pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
  description: 'Lower-case letters, digits, - and _ (at most 63); `teacher` and `student` are the servers of the environment',
  examples: ['llama-70b-hosted']
})

const BaseUrl = Type.String({
  minLength: 8,
  maxLength: 2048,
  pattern: '^https?://[^\\s]+$',
  description: 'The OpenAI-compatible base URL, ending in /v1 as vLLM serves it',
  examples: ['http://vllm-second:8000/v1']
})
const ApiKey = Type.String({ minLength: 1, maxLength: 4096, description: 'Sent as the bearer token; stored server-side, never returned or logged' })
const DefaultModel = Type.String({ minLength: 1, maxLength: 256, description: 'The model asked when a request names none' })
const Concurrency = Type.Integer({ minimum: 1, maximum: 256, description: 'Requests in flight to this server, per service process' })
const TimeoutS = Type.Number({ exclusiveMinimum: 0, maximum: 3600, description: 'Limit per request, seconds' })

export const CreateModelServerBodySchema = Type.Object({
  name: ServerNameSchema,
  base_url: BaseUrl,
  api_key: Type.Optional(ApiKey),
  default_model: Type.Optional(DefaultModel),
  concurrency: Type.Integer({ ...Concurrency, default: 16 }),
  timeout_s: Type.Number({ ...TimeoutS, default: 120 })
}, { additionalProperties: false, examples: [{ name: 'llama-70b-hosted', base_url: 'http://vllm-second:8000/v1', default_model: 'meta-llama/Llama-3.3-70B-Instruct' }] })
export type CreateModelServerBody = Static<typeof CreateModelServerBodySchema>

export const UpdateModelServerBodySchema = Type.Object({
  base_url: Type.Optional(BaseUrl),
  api_key: Type.Optional(Type.Union([ApiKey, Type.Null()], { description: 'A new key, or null to send none' })),
  default_model: Type.Optional(Type.Union([DefaultModel, Type.Null()])),
  concurrency: Type.Optional(Concurrency),
  timeout_s: Type.Optional(TimeoutS)
}, { additionalProperties: false, minProperties: 1, examples: [{ default_model: 'meta-llama/Llama-3.3-70B-Instruct' }] })
export type UpdateModelServerBody = Static<typeof UpdateModelServerBodySchema>

export const ModelServerSchema = Type.Object({
  name: Type.String(),
  origin: Type.Union([Type.Literal('environment'), Type.Literal('api')], { description: 'environment: TEACHER_* / STUDENT_* (read-only here); api: registered through this API' }),
  base_url: Type.Union([Type.String(), Type.Null()], { description: 'null for an environment server left unset' }),
  api_key_set: Type.Boolean({ description: 'Whether a key is stored (the key itself is never returned)' }),
  default_model: Type.Union([Type.String(), Type.Null()]),
  concurrency: Type.Integer(),
  timeout_s: Type.Number(),
  created_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()])
}, { $id: 'ModelServer', additionalProperties: false })
export type ModelServer = Static<typeof ModelServerSchema>

export const ModelServerListSchema = Type.Object({
  items: Type.Array(Type.Unsafe<ModelServer>({ $ref: 'ModelServer#' })),
  total: Type.Integer()
}, { additionalProperties: false })
export type ModelServerList = Static<typeof ModelServerListSchema>

/** Stored form of a registered server (KV value). Holds the key: never sent out as it is. */
export interface StoredModelServer {
  name: string
  base_url: string
  api_key: string | null
  default_model: string | null
  concurrency: number
  timeout_s: number
  created_at: string
  updated_at: string
}
