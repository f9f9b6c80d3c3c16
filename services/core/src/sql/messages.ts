// Stable `error` texts of ExecResult that callers may match on. None of them carries a
// path, so they are safe to show to API clients (the caller adds the db_id).
export const DB_NOT_FOUND = 'database file not found'
export const NO_STATEMENT = 'the SQL text contains no statement'
export const SANDBOX_CLOSED = 'the SQL sandbox is closed'
export const QUEUE_FULL = 'the SQL sandbox queue is full'
export const QUEUE_WAIT = 'the query waited too long for a free SQL sandbox process'
export const START_FAILED = 'SQL sandbox processes fail to start'
export const CRASHED = 'the SQL sandbox process running the query crashed'
export const OUT_OF_MEMORY = 'the query exceeded the SQL sandbox memory limit'
export const TIMED_OUT = 'the query exceeded its time limit'
export const CANCELLED = 'the query was cancelled: its caller has gone'
export const NOT_ALLOWED_FUNCTION = 'is not an allowed SQL function'

/**
 * Errors meaning the sandbox could not run the query at all (closed, overloaded, not
 * starting): a caller retries its work item rather than judge the query on them.
 */
export const SANDBOX_UNAVAILABLE: ReadonlySet<string> = new Set([SANDBOX_CLOSED, QUEUE_FULL, QUEUE_WAIT, START_FAILED, CANCELLED])

/**
 * Errors of the sandbox itself rather than verdicts on the query: a result carrying one
 * says nothing lasting about the SQL, so no cache keeps it.
 */
export const SANDBOX_FAILURES: ReadonlySet<string> = new Set([...SANDBOX_UNAVAILABLE, CRASHED, OUT_OF_MEMORY])

export class SandboxUnavailable extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'SandboxUnavailable'
  }
}

/** The sandbox's answer, or a thrown SandboxUnavailable when it could not run the query at all. */
export function throwIfUnavailable<R extends { status: string, error?: string | null }> (r: R): R {
  if (r.status === 'error' && r.error != null && SANDBOX_UNAVAILABLE.has(r.error)) throw new SandboxUnavailable(r.error)
  return r
}
