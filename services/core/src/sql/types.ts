/**
 * A value as SQLite returns it. INTEGER is a `number` when it is a safe integer and a
 * `bigint` otherwise, so it is always exact; REAL is always a `number` (an integral REAL
 * such as 1.0 arrives as 1, which compares like Python: 1 == 1.0); BLOB is a `Uint8Array`.
 */
export type SqlValue = number | bigint | string | Uint8Array | null

export type ExecStatus = 'ok' | 'error' | 'timeout' | 'rejected'

export interface ExecResult {
  status: ExecStatus
  columns: string[]
  rows: SqlValue[][]
  /** More rows existed than were returned (row cap or result-size cap reached). */
  truncated: boolean
  error?: string
  elapsed_ms: number
}

export interface ExecOptions {
  /** Deadline counted from the moment a sandbox process starts the query (queue time excluded). */
  timeoutMs?: number
  maxRows?: number
}
