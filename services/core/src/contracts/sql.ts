import { Type, type Static } from 'typebox'
import { TEXT_LIMITS } from './limits.js'

export const ExecuteSqlBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, description: 'Source id or name' }),
  db_id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' }),
  sql: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.sql, description: 'One read-only statement (SELECT or WITH … SELECT)' }),
  timeout_ms: Type.Integer({ minimum: 1, maximum: 120_000, default: 30_000 }),
  max_rows: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 })
}, { additionalProperties: false })
export type ExecuteSqlBody = Static<typeof ExecuteSqlBodySchema>

export const SqlResultSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('rejected')], {
    description: 'ok; error (SQLite refused or failed it); timeout (killed at its deadline); rejected (not a single read-only query, never executed)'
  }),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Unknown()), { description: 'Values as JSON: integers beyond 2^53 as decimal strings, BLOBs as {"base64": …}' }),
  truncated: Type.Boolean({ description: 'More rows existed than max_rows' }),
  error: Type.Optional(Type.String()),
  elapsed_ms: Type.Number()
}, { $id: 'SqlResult', additionalProperties: false })
export type SqlResultJson = Static<typeof SqlResultSchema>
