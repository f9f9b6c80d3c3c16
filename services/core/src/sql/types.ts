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
  /** Which cap cut the result, when `truncated`: the row count or the result's size. */
  truncated_reason?: 'max_rows' | 'max_bytes'
  error?: string
  elapsed_ms: number
}

export interface ExecOptions {
  /** Deadline counted from the moment a sandbox process starts the query (queue time excluded). */
  timeoutMs?: number
  maxRows?: number
  /** Aborting it drops the query: out of the queue, or its process killed and replaced (answered CANCELLED). */
  signal?: AbortSignal
  /**
   * Batch work's fair-share key (a job id): queued batch queries of different groups take
   * turns for free processes. Default: one shared group.
   */
  group?: string
  /** A caller waiting on an HTTP request: served before any batch query, and may use the reserved processes. */
  interactive?: boolean
  /** How long this query may wait for a process (default: the pool's queueWaitMs), e.g. its caller's deadline. */
  queueWaitMs?: number
}
