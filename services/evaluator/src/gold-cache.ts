import { deserialize, serialize } from 'node:v8'
import { type ExecResult, type SqlValue, SANDBOX_FAILURES } from '@t2s/core/sql'
import type { StateDb } from '@t2s/core'
import { textSha256 } from '@t2s/core/util'

export interface GoldResult {
  status: ExecResult['status']
  error: string | null
  rows: SqlValue[][]
  truncated: boolean
  elapsedMs: number
}

const MEMORY_ENTRIES = 4096
const MEMORY_MAX_ROWS = 1000

interface Row { status: string, error: string | null, rows: Buffer | null, truncated: number, elapsed_ms: number, limit_ms: number }

/**
 * Gold results by (database file digest, gold SQL), in the evaluator's state DB. A hit is
 * used only when it answers for the caller's time limit: a result that took longer than
 * the limit, or a timeout under a shorter limit, is run again.
 */
export class GoldCache {
  private readonly select
  private readonly insert
  // Recently used small results, so a hot run skips SQLite and deserialization.
  private readonly memory = new Map<string, Row & { decoded: SqlValue[][] }>()

  constructor (db: StateDb) {
    this.select = db.prepare('SELECT status, error, rows, truncated, elapsed_ms, limit_ms FROM gold_cache WHERE db_sha256 = ? AND sql_sha256 = ?')
    this.insert = db.prepare(`INSERT INTO gold_cache (db_sha256, sql_sha256, status, error, rows, truncated, elapsed_ms, limit_ms, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (db_sha256, sql_sha256) DO UPDATE SET status = excluded.status, error = excluded.error, rows = excluded.rows,
        truncated = excluded.truncated, elapsed_ms = excluded.elapsed_ms, limit_ms = excluded.limit_ms, created_at = excluded.created_at`)
  }

  get (dbSha: string, sql: string, limitMs: number): GoldResult | undefined {
    const key = `${dbSha}:${sql}`
    let row = this.memory.get(key)
    if (row !== undefined) {
      this.memory.delete(key)
      this.memory.set(key, row)
    } else {
      const stored = this.select.get(dbSha, textSha256(sql)) as Row | undefined
      if (stored === undefined) return undefined
      row = { ...stored, decoded: stored.rows === null ? [] : deserialize(stored.rows) as SqlValue[][] }
      if (row.decoded.length <= MEMORY_MAX_ROWS) {
        this.memory.set(key, row)
        if (this.memory.size > MEMORY_ENTRIES) this.memory.delete(this.memory.keys().next().value as string)
      }
    }
    if (row.status === 'timeout') {
      if (limitMs > row.limit_ms) return undefined
    } else if (row.elapsed_ms > limitMs) {
      return undefined
    }
    return {
      status: row.status as ExecResult['status'],
      error: row.error,
      rows: row.decoded,
      truncated: row.truncated === 1,
      elapsedMs: row.elapsed_ms
    }
  }

  /** Stores a fresh gold result unless it is a failure of the sandbox rather than of the query. */
  put (dbSha: string, sql: string, result: ExecResult, limitMs: number): void {
    if (result.status === 'error' && SANDBOX_FAILURES.has(result.error ?? '')) return
    const rows = result.status === 'ok' ? serialize(result.rows) : null
    this.memory.delete(`${dbSha}:${sql}`)
    this.insert.run(dbSha, textSha256(sql), result.status, result.error ?? null, rows, result.truncated ? 1 : 0, result.elapsed_ms, limitMs, new Date().toISOString())
  }
}
