import { Type, type Static } from 'typebox'

/** The dataset service's verb for a database's schema text. */
export const SCHEMA_VERBS = { get: 'get_schema' } as const

/** A database's schema as the prompt builder renders it (GET /v1/sources/{id}/databases/{db_id}/schema). */
export const SchemaParamsSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 128, description: 'Source id or name' }),
  db_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' })
}, { additionalProperties: false })

export const SchemaQuerySchema = Type.Object({
  sample_rows: Type.Integer({ minimum: 0, maximum: 20, default: 0, description: "Rows per table in the recipe's sample-rows block (0: none, as the recipe)" }),
  column_descriptions: Type.Boolean({ default: false, description: 'Append the comments from database_description/*.csv, where the database has them' })
}, { additionalProperties: false })

export const DatabaseSchemaSchema = Type.Object({
  source_id: Type.String(),
  db_id: Type.String(),
  prompt_version: Type.String({ description: 'The prompt version these options render under, e.g. cookbook-1+rows3+desc' }),
  sample_rows: Type.Integer(),
  column_descriptions: Type.Boolean(),
  has_descriptions: Type.Boolean({ description: 'Whether the database has a database_description folder' }),
  schema: Type.String({ description: 'The schema text exactly as it goes into the prompt after "-- DB Schema: "' })
}, { $id: 'DatabaseSchema', additionalProperties: false })
export type DatabaseSchema = Static<typeof DatabaseSchemaSchema>
