import { JobFailure, ServiceError } from '../errors.js'

/**
 * What a job's error means for retrying, and how to say it to the user.
 *
 * Retrying is for the transient: a NATS hiccup, a crashed sandbox child, a teacher 503.
 * Work that is bound to fail again — the input is refused (4xx), a database file is not
 * SQLite or is corrupt, the input blew the stack — fails at once with its reason; so does
 * a full disk, because the job cannot finish until someone frees space, and a clear
 * failure beats five silent attempts (resubmitting once space is back just works).
 */
export interface FailureVerdict {
  /** True when another attempt cannot succeed (the job or item fails now). */
  permanent: boolean
  /** One line for the job's `error`: no stack, no absolute path, no SQL text. */
  reason: string
}

const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT'])
// SQLite answers these for a file that is not (or no longer) a usable database.
const BROKEN_DB_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN'])

export const DISK_FULL_REASON = 'the disk is full (no space left for DATA_DIR, a state database or the NATS store); free space and try again'

export function classifyFailure (err: unknown): FailureVerdict {
  if (err instanceof JobFailure) return { permanent: true, reason: err.message }
  if (err instanceof ServiceError) return { permanent: err.code < 500 && err.code !== 429, reason: err.message }
  if (isDiskFull(err)) return { permanent: true, reason: DISK_FULL_REASON }
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && BROKEN_DB_CODES.has(code)) {
    return { permanent: true, reason: `a database file cannot be read as SQLite (${code}: ${redact((err as Error).message)})` }
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return { permanent: true, reason: 'an input is too deeply nested or too large to process (stack overflow); check the sizes of its questions, evidence and SQL' }
  }
  return { permanent: false, reason: redact(err instanceof Error ? err.message : String(err)) }
}

/** SQLite's SQLITE_FULL, or the OS's ENOSPC/EDQUOT, however deep in the cause chain. */
export function isDiskFull (err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return true
    if (e instanceof Error && /database or disk is full|no space left on device|insufficient storage/i.test(e.message)) return true
  }
  return false
}

/** The message of the last attempt, for "failed on every attempt". */
export function finalReason (err: unknown, attempts: number): string {
  return `failed on all ${attempts} attempts; the last: ${classifyFailure(err).reason}`
}

// Absolute paths say where DATA_DIR lives: keep only the file name.
const redact = (message: string) => message.split('\n')[0].replace(/(?:\/[^\s'"/:,)]+)+\/([^\s'"/:,)]+)/g, '…/$1').slice(0, 300)
