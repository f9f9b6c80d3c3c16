import type { StateDb } from '@t2s/core'

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

/** Reads a CoT job's counters from its committed items and teacher calls (statements prepared once). */
export function cotStatsReader (db: StateDb): (jobId: string) => CotStats {
  const items = db.prepare(`SELECT count(*) AS done, coalesce(sum(kept), 0) AS kept, coalesce(sum(cache_hits), 0) AS cache_hits, coalesce(sum(attempts), 0) AS attempts
    FROM cot_items WHERE job_id = ?`)
  const reasons = db.prepare('SELECT reason, count(*) AS n FROM cot_items WHERE job_id = ? AND kept = 0 GROUP BY reason ORDER BY reason')
  const byAttempt = db.prepare('SELECT attempts, count(*) AS n FROM cot_items WHERE job_id = ? AND kept = 1 GROUP BY attempts ORDER BY attempts')
  const calls = db.prepare(`SELECT count(*) AS calls, coalesce(sum(requests), 0) AS requests, coalesce(sum(1 - ok), 0) AS failures,
    coalesce(sum(prompt_tokens), 0) AS prompt_tokens, coalesce(sum(completion_tokens), 0) AS completion_tokens
    FROM teacher_calls WHERE job_id = ?`)
  return (jobId) => {
    const i = items.get(jobId) as { done: number, kept: number, cache_hits: number, attempts: number }
    const c = calls.get(jobId) as { calls: number, requests: number, failures: number, prompt_tokens: number, completion_tokens: number }
    return {
      questions_done: i.done,
      kept: i.kept,
      dropped: i.done - i.kept,
      dropped_by_reason: Object.fromEntries((reasons.all(jobId) as Array<{ reason: string, n: number }>).map((r) => [r.reason, r.n])),
      teacher_calls: c.calls,
      teacher_requests: c.requests,
      teacher_failures: c.failures,
      prompt_tokens: c.prompt_tokens,
      completion_tokens: c.completion_tokens,
      cache_hits: i.cache_hits,
      attempts: i.attempts,
      kept_by_attempt: Object.fromEntries((byAttempt.all(jobId) as Array<{ attempts: number, n: number }>).map((r) => [String(r.attempts), r.n]))
    }
  }
}
