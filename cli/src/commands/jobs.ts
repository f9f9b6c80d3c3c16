import type { Command } from 'commander'
import { Option } from 'commander'
import { ctxOf, print } from '../context.js'
import { unwrap } from '../client.js'
import { EXIT } from '../errors.js'
import { table } from '../format.js'
import { followJob, type Job } from '../follow.js'
import { finished } from '../jobrun.js'
import { int } from './datasets.js'

const progress = (j: Job) => j.progress.total === null ? `${j.progress.done} ${j.progress.unit}` : `${j.progress.done}/${j.progress.total} ${j.progress.unit}`

export function jobsCommand (program: Command): void {
  const jobs = program.command('jobs').description('Long-running work: downloads, datasets, training, evaluations')

  jobs.command('list')
    .addOption(new Option('--status <status>', 'only jobs in this status').choices(['queued', 'running', 'succeeded', 'failed', 'cancelled']))
    .option('--kind <kind>', 'only jobs of this kind, e.g. evaluation.run')
    .option('--limit <n>', 'at most this many', int, 20)
    .description('Jobs, newest first')
    .action(async (o: { status?: Job['status'], kind?: string, limit: number }, cmd: Command) => {
      const ctx = ctxOf(cmd)
      const list = await unwrap(ctx.client.GET('/v1/jobs', { params: { query: { limit: o.limit, ...(o.status === undefined ? {} : { status: o.status }), ...(o.kind === undefined ? {} : { kind: o.kind }) } } }))
      print(ctx, list, () => table(['ID', 'KIND', 'STATUS', 'PROGRESS', 'RESOURCE', 'CREATED'], list.items.map((j) => [j.id, j.kind, j.status, progress(j), j.resource === null ? '' : j.resource.id, j.created_at])))
    })

  jobs.command('watch').argument('<id>', 'job id')
    .description('Follow a job with a progress bar to its end (Ctrl-C: cancel it or detach)')
    .action(async (id: string, _o, cmd: Command) => {
      const ctx = ctxOf(cmd)
      await unwrap(ctx.client.GET('/v1/jobs/{id}', { params: { path: { id } } }))
      const { job, detached } = await followJob(ctx.client, ctx.config, id, { bar: !ctx.json })
      if (detached) {
        print(ctx, { ...job, detached: true }, () => `job ${id} ${job.status} (detached)`)
        process.exitCode = EXIT.ok
        return
      }
      process.exitCode = await finished(ctx, job)
    })

  jobs.command('cancel').argument('<id>', 'job id').description('Cancel a job').action(async (id: string, _o, cmd: Command) => {
    const ctx = ctxOf(cmd)
    const job = await unwrap(ctx.client.POST('/v1/jobs/{id}/cancel', { params: { path: { id } } }))
    print(ctx, job, () => `job ${id} ${job.status}`)
  })
}
