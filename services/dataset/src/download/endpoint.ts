import { existsSync } from 'node:fs'
import { type Accepted, TERMINAL_STATUSES, DownloadSourceBodySchema, type DownloadSourceBody } from '@t2s/core/contracts'
import { ServiceError } from '@t2s/core'
import type { JobStore } from '@t2s/core/jobs'
import type { Endpoint } from '@t2s/core/nats'
import type { SourceRegistry } from '../sources/registry.js'
import { DOWNLOAD_KIND, sourceDir } from './job.js'

/**
 * `t2s.dataset.download_source`: queues a download job. The answer's id is the source
 * name, under which the source is found once the job has registered it.
 */
export function downloadEndpoint (deps: { jobs: JobStore, sources: SourceRegistry, dataDir: string }): Endpoint<DownloadSourceBody, Accepted> {
  return {
    input: DownloadSourceBodySchema,
    handler: async (body) => {
      if (exists(deps.sources, body.name)) throw new ServiceError('CONFLICT', `a source named "${body.name}" already exists`)
      if (existsSync(sourceDir(deps.dataDir, body.name))) throw new ServiceError('CONFLICT', `DATA_DIR/sources/${body.name} already exists; choose another name`)
      const running = (await deps.jobs.list({ kind: DOWNLOAD_KIND, limit: 500 }))
        .find((j) => j.params.name === body.name && !TERMINAL_STATUSES.includes(j.status))
      if (running) throw new ServiceError('CONFLICT', `a download of "${body.name}" is already ${running.status} (job ${running.id})`)
      const job = await deps.jobs.submit({
        kind: DOWNLOAD_KIND,
        service: 'dataset',
        params: { ...body },
        resource: { type: 'source', id: body.name },
        unit: 'bytes'
      })
      return { id: body.name, job_id: job.id, status: job.status }
    }
  }
}

function exists (sources: SourceRegistry, name: string): boolean {
  try {
    sources.get(name)
    return true
  } catch (err) {
    if (err instanceof ServiceError && err.codeName === 'NOT_FOUND') return false
    throw err
  }
}
