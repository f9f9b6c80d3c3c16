// Deleting what the suite stores, by one rule everywhere: refuse (409, naming them) while a
// queued or running job uses it; remove the record in one transaction first, the files after;
// and at start-up remove files whose record is gone, so a crash between the two steps leaves
// no half state (the record is gone, and the files follow on the next start). Deleting what
// is not there is not an error.
import { readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { TERMINAL_STATUSES, type JobRecord } from '../contracts/common.js'
import { conflict } from '../errors.js'
import type { JobStore } from '../jobs/store.js'

/** Jobs not ended yet (queued or running) for which `uses` holds. */
export async function activeJobsUsing (jobs: JobStore, uses: (job: JobRecord) => boolean): Promise<JobRecord[]> {
  const all = await jobs.list({ limit: Number.MAX_SAFE_INTEGER })
  return all.filter((j) => !TERMINAL_STATUSES.includes(j.status) && uses(j))
}

/** Throws 409 naming the jobs (and what they build) that still use `what`. */
export function refuseWhileUsed (what: string, busy: JobRecord[]): void {
  if (busy.length === 0) return
  const names = busy.map((j) => j.resource === null ? `job ${j.id} (${j.kind})` : `${j.resource.type} ${j.resource.id} (job ${j.id}, ${j.status})`)
  throw conflict(`${what} is in use by ${names.join(', ')}: cancel ${busy.length === 1 ? 'it' : 'them'} or wait until ${busy.length === 1 ? 'it ends' : 'they end'}, then delete`)
}

/** Whether a job's parameters name this id (or name) under one of `keys`. */
export const paramsName = (job: JobRecord, keys: readonly string[], values: readonly string[]) =>
  keys.some((k) => typeof job.params[k] === 'string' && values.includes(job.params[k]))

/** Removes a folder and everything in it; nothing there is fine. Async, so the service keeps answering meanwhile. */
export async function removeTree (path: string): Promise<void> {
  await rm(path, { recursive: true, force: true, maxRetries: 3 })
}

/**
 * Removes the job records of `type` resources that this service no longer has: a delete
 * cut short between its transaction and the job's removal. Returns the job ids removed.
 */
export async function sweepOrphanJobs (jobs: JobStore, type: string, exists: (id: string) => boolean): Promise<string[]> {
  const all = await jobs.list({ limit: Number.MAX_SAFE_INTEGER })
  const orphans = all.filter((j) => j.resource?.type === type && TERMINAL_STATUSES.includes(j.status) && !exists(j.resource.id))
  for (const j of orphans) await jobs.remove(j.id, { force: true })
  return orphans.map((j) => j.id)
}

/**
 * Removes the entries of `dir` named `<prefix>_…` whose record is gone: what a delete that
 * crashed after its transaction left behind. Called once at start-up; returns what it removed.
 */
export async function sweepOrphans (dir: string, prefix: string, exists: (id: string) => boolean): Promise<string[]> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  const orphans = names.filter((n) => n.startsWith(`${prefix}_`) && !exists(n))
  for (const n of orphans) await removeTree(join(dir, n))
  return orphans
}
