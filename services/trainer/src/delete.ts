import { join } from 'node:path'
import { artifactDir } from '@t2s/core/datasets'
import type { JobStore } from '@t2s/core/jobs'
import { activeJobsUsing, refuseWhileUsed, removeTree, sweepOrphanJobs, sweepOrphans } from '@t2s/core/lifecycle'
import { type Logger, deleteJobRows, type StateDb } from '@t2s/core'
import type { StudentServer } from './job.js'
import type { TrainingRepo } from './repo.js'
import { runDir } from './trainer-config.js'

export interface TrainingDeletionDeps {
  db: StateDb
  repo: TrainingRepo
  jobs: JobStore
  dataDir: string
  student: StudentServer | null
  log: Logger
}

interface Published { kind?: 'adapter' | 'model' | null, loaded?: { lora_name: string } | null }

/**
 * Deletes a training job: its record and loss series, then its run folder (checkpoints, log)
 * and its published adapter or model, unloaded from the student first when it was loaded.
 * 409 while its job has not ended. An adapter name that another kept training job published
 * too is left alone (only the newest run's files are there).
 */
export async function deleteTraining (deps: TrainingDeletionDeps, id: string): Promise<void> {
  const row = deps.repo.get(id)
  if (row === undefined) return
  refuseWhileUsed(`training job ${id}`, await activeJobsUsing(deps.jobs, (j) => j.id === row.job_id))
  const published = row.artifacts === null ? null : JSON.parse(row.artifacts) as Published
  const shared = deps.repo.byAdapter(row.adapter_name).some((r) => r.id !== id && r.artifacts !== null)
  if (published?.loaded && !shared && deps.student !== null) {
    // Unloading first: a served adapter whose files are gone would fail at its next request.
    try {
      await deps.student.client.unloadLora(published.loaded.lora_name)
    } catch (err) {
      deps.log.warn({ err: String(err), adapter: row.adapter_name }, 'the student server did not unload the adapter; deleting its files anyway')
    }
  }
  deps.db.transaction(() => {
    deps.db.prepare('DELETE FROM training_metrics WHERE training_id = ?').run(id)
    deps.repo.delete(id)
    deleteJobRows(deps.db, row.job_id)
  })()
  await deps.jobs.remove(row.job_id, { force: true })
  await removeTree(join(deps.dataDir, runDir(id)))
  if (published?.kind && !shared) await removeTree(artifactDir(deps.dataDir, published.kind === 'model' ? 'models' : 'adapters', row.adapter_name))
}

/** Run folders whose training record is gone: a delete cut short by a crash. */
export async function sweepTrainingRuns (deps: Pick<TrainingDeletionDeps, 'repo' | 'dataDir' | 'jobs'>): Promise<string[]> {
  await sweepOrphanJobs(deps.jobs, 'training_job', (id) => deps.repo.get(id) !== undefined)
  return await sweepOrphans(join(deps.dataDir, runDir('')), 'tj', (id) => deps.repo.get(id) !== undefined)
}
