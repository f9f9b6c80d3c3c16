// Retention of ended jobs: their records and events go after T2S_JOB_RETENTION_DAYS (default
// 30; 0 keeps them forever), swept hourly in the background by each service for its own jobs.
// A job that holds the status of what it built (a dataset, an evaluation, a training job) is
// kept as long as that resource: deleting the resource removes it. Progress events also expire
// on their own after 7 days (the events stream's max age).
import { TERMINAL_STATUSES } from '../contracts/common.js'
import type { Logger } from '../log.js'
import { holdsResourceStatus, type JobStore } from '../jobs/store.js'

export const DEFAULT_RETENTION_DAYS = 30
const DAY_MS = 24 * 3600_000

/** T2S_JOB_RETENTION_DAYS in ms; null when 0 (keep forever). A bad value falls back to the default. */
export function retentionMs (env: NodeJS.ProcessEnv = process.env): number | null {
  const days = Number(env.T2S_JOB_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS)
  if (!Number.isFinite(days) || days < 0) return DEFAULT_RETENTION_DAYS * DAY_MS
  return days === 0 ? null : days * DAY_MS
}

/** Removes this service's ended jobs that finished more than `olderThanMs` ago; returns their ids. */
export async function removeExpiredJobs (jobs: JobStore, service: string, olderThanMs: number, now = Date.now()): Promise<string[]> {
  const all = await jobs.list({ limit: Number.MAX_SAFE_INTEGER })
  const expired = all.filter((j) => j.service === service && TERMINAL_STATUSES.includes(j.status) && !holdsResourceStatus(j) &&
    j.finished_at !== null && now - Date.parse(j.finished_at) > olderThanMs)
  for (const j of expired) await jobs.remove(j.id)
  return expired.map((j) => j.id)
}

/** Sweeps every `everyMs` (default hourly) until the returned stop is called. */
export function startJobRetention (jobs: JobStore, service: string, log: Logger, opts: { env?: NodeJS.ProcessEnv, everyMs?: number } = {}): () => void {
  const keepMs = retentionMs(opts.env)
  if (keepMs === null) return () => {}
  const sweep = async () => {
    try {
      const removed = await removeExpiredJobs(jobs, service, keepMs)
      if (removed.length > 0) log.info({ jobs: removed.length }, 'removed ended jobs past their retention')
    } catch (err) {
      log.warn({ err: String(err) }, 'job retention sweep failed; next try at the next interval')
    }
  }
  const timer = setInterval(() => { void sweep() }, opts.everyMs ?? 3600_000)
  timer.unref()
  void sweep()
  return () => clearInterval(timer)
}
