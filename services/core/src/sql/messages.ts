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

/**
 * Errors of the sandbox itself rather than verdicts on the query: a result carrying one
 * says nothing lasting about the SQL, so no cache keeps it.
 */
export const SANDBOX_FAILURES: ReadonlySet<string> = new Set([CRASHED, OUT_OF_MEMORY, QUEUE_FULL, QUEUE_WAIT, SANDBOX_CLOSED, START_FAILED])
