import type { JobRecord } from '@t2s/core/contracts/common'
import type { Dataset } from '@t2s/core/contracts/datasets'
import { ServiceError } from '@t2s/core/errors'
import type { StateDb } from '@t2s/core/state-db'

interface CotRow {
  id: string
  job_id: string
  source_id: string
  source_name: string
  params: string
  prompt: string
  counts: string | null
  dropped: string
  token_stats: string | null
  files: string
  manifest: string
  created_at: string
  finished_at: string | null
}

export type CotResult = Pick<Dataset, 'counts' | 'dropped' | 'token_stats' | 'files' | 'manifest'>

/** The counters of a CoT job, read from its committed items and its teacher calls (live while it runs). */
export interface CotStats {
  questions_done: number
  kept: number
  dropped: number
  dropped_by_reason: Record<string, number>
  /** teacher calls made by this job (answered or failed for good); cache hits are not calls */
  teacher_calls: number
  /** HTTP requests behind those calls, retries included */
  teacher_requests: number
  teacher_failures: number
  prompt_tokens: number
  completion_tokens: number
  /** answers reused from the cache instead of a call */
  cache_hits: number
  /** teacher answers judged (first asks and re-asks) */
  attempts: number
  /** kept examples by the attempt that produced them */
  kept_by_attempt: Record<string, number>
}

/** CoT dataset records; status and error come from the job record, counters from the item tables. */
export class CotRepository {
  constructor (private readonly db: StateDb) {}

  insert (d: { id: string, job_id: string, source_id: string, source_name: string, params: object, prompt: object }): void {
    this.db.prepare('INSERT OR IGNORE INTO cot_datasets (id, job_id, source_id, source_name, params, prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(d.id, d.job_id, d.source_id, d.source_name, JSON.stringify(d.params), JSON.stringify(d.prompt), new Date().toISOString())
  }

  remove (id: string): void {
    this.db.prepare('DELETE FROM cot_datasets WHERE id = ?').run(id)
  }

  complete (id: string, r: CotResult): void {
    this.db.prepare('UPDATE cot_datasets SET counts = ?, dropped = ?, token_stats = ?, files = ?, manifest = ?, finished_at = ? WHERE id = ?')
      .run(JSON.stringify(r.counts), JSON.stringify(r.dropped), JSON.stringify(r.token_stats), JSON.stringify(r.files), JSON.stringify(r.manifest), new Date().toISOString(), id)
  }

  row (id: string): CotRow {
    const row = this.db.prepare('SELECT * FROM cot_datasets WHERE id = ?').get(id) as CotRow | undefined
    if (!row) throw new ServiceError('NOT_FOUND', `dataset ${id} not found`)
    return row
  }

  all (): CotRow[] {
    return this.db.prepare('SELECT * FROM cot_datasets ORDER BY created_at DESC').all() as CotRow[]
  }

  stats (jobId: string): CotStats {
    const items = this.db.prepare(`SELECT count(*) AS done, coalesce(sum(kept), 0) AS kept, coalesce(sum(cache_hits), 0) AS cache_hits, coalesce(sum(attempts), 0) AS attempts
      FROM cot_items WHERE job_id = ?`).get(jobId) as { done: number, kept: number, cache_hits: number, attempts: number }
    const reasons = this.db.prepare('SELECT reason, count(*) AS n FROM cot_items WHERE job_id = ? AND kept = 0 GROUP BY reason ORDER BY reason').all(jobId) as Array<{ reason: string, n: number }>
    const byAttempt = this.db.prepare('SELECT attempts, count(*) AS n FROM cot_items WHERE job_id = ? AND kept = 1 GROUP BY attempts ORDER BY attempts').all(jobId) as Array<{ attempts: number, n: number }>
    const calls = this.db.prepare(`SELECT count(*) AS calls, coalesce(sum(requests), 0) AS requests, coalesce(sum(1 - ok), 0) AS failures,
      coalesce(sum(prompt_tokens), 0) AS prompt_tokens, coalesce(sum(completion_tokens), 0) AS completion_tokens
      FROM teacher_calls WHERE job_id = ?`).get(jobId) as { calls: number, requests: number, failures: number, prompt_tokens: number, completion_tokens: number }
    return {
      questions_done: items.done,
      kept: items.kept,
      dropped: items.done - items.kept,
      dropped_by_reason: Object.fromEntries(reasons.map((r) => [r.reason, r.n])),
      teacher_calls: calls.calls,
      teacher_requests: calls.requests,
      teacher_failures: calls.failures,
      prompt_tokens: calls.prompt_tokens,
      completion_tokens: calls.completion_tokens,
      cache_hits: items.cache_hits,
      attempts: items.attempts,
      kept_by_attempt: Object.fromEntries(byAttempt.map((r) => [String(r.attempts), r.n]))
    }
  }

  toDataset (row: CotRow, job: JobRecord | null): Dataset {
    return {
      id: row.id,
      kind: 'cot',
      status: job?.status ?? 'queued',
      job_id: row.job_id,
      source: { id: row.source_id, name: row.source_name },
      params: JSON.parse(row.params),
      prompt: JSON.parse(row.prompt),
      counts: row.counts ? JSON.parse(row.counts) : null,
      dropped: JSON.parse(row.dropped),
      token_stats: row.token_stats ? JSON.parse(row.token_stats) : null,
      stats: { ...this.stats(row.job_id) },
      files: JSON.parse(row.files),
      manifest: JSON.parse(row.manifest),
      error: job?.status === 'failed' || job?.status === 'cancelled' ? job.error : null,
      created_at: row.created_at,
      finished_at: row.finished_at ?? job?.finished_at ?? null
    }
  }
}
