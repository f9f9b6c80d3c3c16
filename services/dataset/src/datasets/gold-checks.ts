import { type ExecResult, SANDBOX_FAILURES } from '@t2s/core/sql'
import type { StateDb } from '@t2s/core'

export interface GoldVerdict {
  status: ExecResult['status']
  error: string | null
}

/**
 * Verdicts of the SFT gold screen by (database file digest, gold SQL): whether the gold
 * runs does not change while the database file does not, so a rebuild of the same source
 * (another seed, split or prompt option) executes none of them again. Timeouts depend on
 * the machine's load and are never kept; neither are failures of the sandbox itself.
 */
export class GoldChecks {
  private readonly select
  private readonly insert

  constructor (db: StateDb) {
    this.select = db.prepare('SELECT status, error FROM gold_checks WHERE db_sha256 = ? AND sql_sha256 = ?')
    this.insert = db.prepare(`INSERT INTO gold_checks (db_sha256, sql_sha256, status, error, checked_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (db_sha256, sql_sha256) DO UPDATE SET status = excluded.status, error = excluded.error, checked_at = excluded.checked_at`)
  }

  /** `sqlSha`: textSha256 of the gold SQL. */
  get (dbSha: string, sqlSha: string): GoldVerdict | undefined {
    return this.select.get(dbSha, sqlSha) as GoldVerdict | undefined
  }

  put (dbSha: string, sqlSha: string, r: Pick<ExecResult, 'status' | 'error'>): void {
    if (r.status === 'timeout' || (r.status === 'error' && SANDBOX_FAILURES.has(r.error ?? ''))) return
    this.insert.run(dbSha, sqlSha, r.status, r.error ?? null, new Date().toISOString())
  }
}
