import type { NatsConnection } from '@nats-io/transport-node'
import { Type } from 'typebox'
import { CreateSourceBodySchema, type CreateSourceBody } from '@t2s/core/contracts/sources'
import type { Logger } from '@t2s/core/log'
import { serveEndpoints } from '@t2s/core/nats/service'
import type { JobStore } from '@t2s/core/jobs/store'
import { JobWorker } from '@t2s/core/jobs/worker'
import type { JobKind } from '@t2s/core/jobs/kinds'
import type { StateDb } from '@t2s/core/state-db'
import { SourceRegistry } from './sources/registry.js'

export interface DatasetAppDeps {
  nc: NatsConnection
  jobs: JobStore
  db: StateDb
  log: Logger
  dataDir: string
  /** Folders source paths may point into: DATA_DIR first, then T2S_SOURCE_ROOTS. */
  roots: string[]
}

const ById = Type.Object({ id: Type.String({ minLength: 1 }) })
const QuestionsPage = Type.Object({
  id: Type.String({ minLength: 1 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 })
})

/** Builds the dataset service: sources now; SFT datasets are jobs of this service. */
export async function buildDatasetApp (deps: DatasetAppDeps) {
  const sources = new SourceRegistry(deps.db, deps.roots)
  // Job kinds this service runs; each module adds its own here.
  const kinds: JobKind[] = []
  const worker = new JobWorker({ nc: deps.nc, store: deps.jobs, service: 'dataset', db: deps.db, log: deps.log, kinds })
  const service = await serveEndpoints(deps.nc, { name: 'dataset', version: '0.1.0', description: 'Benchmark sources and SFT datasets', log: deps.log }, {
    create_source: { input: CreateSourceBodySchema, handler: (b: CreateSourceBody) => sources.register(b) },
    list_sources: { handler: () => { const items = sources.list(); return { items, total: items.length } } },
    get_source: { input: ById, handler: ({ id }: { id: string }) => sources.get(id) },
    resolve_source: { input: ById, handler: ({ id }: { id: string }) => sources.resolve(id) },
    list_questions: {
      input: QuestionsPage,
      handler: ({ id, offset, limit }: { id: string, offset: number, limit: number }) => ({ ...sources.questions(id, offset, limit), offset, limit })
    }
  })
  await worker.start()
  return {
    service,
    sources,
    stop: async () => {
      await service.stop()
      await worker.stop()
      deps.db.close()
    }
  }
}
