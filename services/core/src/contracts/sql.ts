import { Type, type Static } from 'typebox'
import { TEXT_LIMITS } from './limits.js'

/** The dataset service's sandbox verbs: a query, and the pool's counters (SandboxStats) for operators and tests. */
export const SQL_VERBS = { execute: 'execute_sql', stats: 'sql_sandbox_stats' } as const

/** Cap on an interactive query's deadline: the pool has one process per core, shared by every caller. */
export const MAX_INTERACTIVE_TIMEOUT_MS = 10_000
/** How long an interactive query may wait for a process before it is answered 503 (well inside the gateway's own deadline). */
export const INTERACTIVE_QUEUE_WAIT_MS = 10_000

export const ExecuteSqlBodySchema = Type.Object({
  source: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.name, description: 'Source id or name' }),
  db_id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' }),
  sql: Type.String({ minLength: 1, maxLength: TEXT_LIMITS.sql, description: 'One read-only statement (SELECT or WITH … SELECT)' }),
  timeout_ms: Type.Integer({
    minimum: 1,
    maximum: MAX_INTERACTIVE_TIMEOUT_MS,
    default: MAX_INTERACTIVE_TIMEOUT_MS,
    description: `Deadline of the query once a sandbox process runs it; at most ${MAX_INTERACTIVE_TIMEOUT_MS / 1000} s, so that a few runaway queries cannot hold the pool for long`
  }),
  max_rows: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 })
}, { additionalProperties: false })
export type ExecuteSqlBody = Static<typeof ExecuteSqlBodySchema>

export const SqlResultSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('rejected')], {
    description: 'ok; error (SQLite refused or failed it); timeout (killed at its deadline); rejected (not a single read-only query, never executed)'
  }),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Array(Type.Unknown()), { description: 'Values as JSON: integers beyond 2^53 as decimal strings, BLOBs as {"base64": …}' }),
  truncated: Type.Boolean({ description: 'More rows existed than were returned: see truncated_reason' }),
  truncated_reason: Type.Optional(Type.Union([Type.Literal('max_rows'), Type.Literal('max_bytes')], {
    description: 'max_rows: the row cap; max_bytes: the result passed the size one reply may carry'
  })),
  error: Type.Optional(Type.String()),
  elapsed_ms: Type.Number()
}, { $id: 'SqlResult', additionalProperties: false })
export type SqlResultJson = Static<typeof SqlResultSchema>
