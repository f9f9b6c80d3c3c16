import { Type, type Static } from 'typebox'

/** The dataset service's source verbs (`t2s.dataset.<verb>`): one spelling for the service, the gateway and other services. */
export const SOURCE_VERBS = { create: 'create_source', list: 'list_sources', get: 'get_source', resolve: 'resolve_source', questions: 'list_questions', delete: 'delete_source' } as const

export const DifficultySchema = Type.Union([Type.Literal('simple'), Type.Literal('moderate'), Type.Literal('challenging')])
export type Difficulty = Static<typeof DifficultySchema>

export const CreateSourceBodySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Unique name, usable wherever a source id is', examples: ['bird-sample-dev'] }),
  questions: Type.String({ minLength: 1, maxLength: 4096, description: 'Questions JSON (BIRD: db_id, question, evidence, SQL; Spider query accepted), relative to DATA_DIR or a T2S_SOURCE_ROOTS folder, or absolute inside one', examples: ['bird-sample/dev.json'] }),
  databases: Type.String({ minLength: 1, maxLength: 4096, description: 'Folder holding <db_id>/<db_id>.sqlite, resolved like questions', examples: ['bird-sample/dev_databases'] })
}, { additionalProperties: false })
export type CreateSourceBody = Static<typeof CreateSourceBodySchema>

export const DifficultyCountsSchema = Type.Object({
  simple: Type.Integer(),
  moderate: Type.Integer(),
  challenging: Type.Integer(),
  unknown: Type.Integer({ description: 'Questions without a difficulty (e.g. BIRD train)' })
}, { additionalProperties: false })

export const SourceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  questions: Type.String({ description: 'The questions path as registered' }),
  databases: Type.String({ description: 'The databases folder as registered' }),
  question_count: Type.Integer(),
  database_count: Type.Integer(),
  db_ids: Type.Array(Type.String()),
  difficulty_counts: DifficultyCountsSchema,
  questions_sha256: Type.String(),
  created_at: Type.String({ format: 'date-time' })
}, { $id: 'Source', additionalProperties: false })
export type Source = Static<typeof SourceSchema>

export const SourceListSchema = Type.Object({
  items: Type.Array(SourceSchema),
  total: Type.Integer()
}, { additionalProperties: false })

export const QuestionSchema = Type.Object({
  index: Type.Integer({ description: 'Position in the questions file (what BIRD pairs predictions by)' }),
  question_id: Type.Union([Type.Integer(), Type.Null()]),
  db_id: Type.String(),
  question: Type.String(),
  evidence: Type.String(),
  sql: Type.String({ description: 'Gold SQL, as written in the file' }),
  difficulty: Type.Union([DifficultySchema, Type.Null()])
}, { $id: 'Question', additionalProperties: false })
export type Question = Static<typeof QuestionSchema>

export const QuestionPageSchema = Type.Object({
  items: Type.Array(QuestionSchema),
  total: Type.Integer(),
  offset: Type.Integer(),
  limit: Type.Integer()
}, { additionalProperties: false })

/** Internal reply of `t2s.dataset.resolve_source`: where another service finds a source's files. */
export interface ResolvedSource {
  id: string
  name: string
  questions_path: string
  databases_path: string
  questions_sha256: string
  question_count: number
  db_ids: string[]
}
