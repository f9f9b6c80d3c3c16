import type { Ctx } from './context.js'
import { EXIT } from './errors.js'
import { followJob, type Job } from './follow.js'

export interface WaitOptions { wait: boolean }

/**
 * After a POST that started a job: with --no-wait print what was accepted; else follow the job
 * with a progress bar and print `done(job)` once it succeeded. Returns the exit code.
 */
export async function awaitJob (ctx: Ctx, accepted: { id: string, job_id: string, status: string }, opts: WaitOptions, done: (job: Job) => Promise<{ data: unknown, text: () => string }>): Promise<number> {
  if (!opts.wait) {
    write(ctx, accepted, () => `${accepted.id}: job ${accepted.job_id} ${accepted.status}; follow it with: t2s jobs watch ${accepted.job_id}`)
    return EXIT.ok
  }
  if (!ctx.json) process.stderr.write(`${accepted.id}: job ${accepted.job_id}\n`)
  const { job, detached } = await followJob(ctx.client, ctx.config, accepted.job_id, { bar: !ctx.json })
  if (detached) {
    write(ctx, { ...accepted, status: job.status, detached: true }, () => `${accepted.id}: job ${job.id} ${job.status} (detached)`)
    return EXIT.ok
  }
  return await finished(ctx, job, done)
}

/** Prints a finished job: the resource when it succeeded (exit 0), its error otherwise (exit 1). */
export async function finished (ctx: Ctx, job: Job, done?: (job: Job) => Promise<{ data: unknown, text: () => string }>): Promise<number> {
  if (job.status !== 'succeeded') {
    write(ctx, job, () => `job ${job.id} ${job.status}${job.error === null ? '' : `: ${job.error}`}`)
    return EXIT.jobFailed
  }
  if (done === undefined) {
    write(ctx, job, () => `job ${job.id} succeeded`)
    return EXIT.ok
  }
  const { data, text } = await done(job)
  write(ctx, data, text)
  return EXIT.ok
}

function write (ctx: Ctx, data: unknown, text: () => string): void {
  process.stdout.write((ctx.json ? JSON.stringify(data, null, 2) : text()) + '\n')
}
