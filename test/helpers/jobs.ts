import { TERMINAL_STATUSES, type JobRecord } from '@t2s/core/contracts'
import type { JobStore } from '@t2s/core/jobs'
import { waitFor } from './processes.js'

/** Polls the job store until the job is succeeded, failed or cancelled; throws after `timeoutMs`. */
export async function waitJobDone (jobs: JobStore, id: string, timeoutMs: number): Promise<JobRecord> {
  return await waitFor(async () => {
    const j = await jobs.get(id)
    return j !== null && TERMINAL_STATUSES.includes(j.status) ? j : null
  }, timeoutMs)
}
