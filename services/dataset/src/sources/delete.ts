import type { JobStore } from '@t2s/core/jobs'
import { activeJobsUsing, paramsName, refuseWhileUsed } from '@t2s/core/lifecycle'
import type { SourceRegistry } from './registry.js'

/**
 * Deletes a source's registration, never its files: 409 while a queued or running job (a
 * dataset build, an evaluation, a download) names it; one not registered is no error.
 */
export async function deleteSource (sources: SourceRegistry, jobs: JobStore, idOrName: string): Promise<void> {
  const source = sources.find(idOrName)
  if (source === null) return
  const names = [source.id, source.name]
  refuseWhileUsed(`source ${source.name}`, await activeJobsUsing(jobs, (j) => paramsName(j, ['source_id', 'source', 'source_name'], names)))
  sources.remove(source.id)
}
